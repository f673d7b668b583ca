/**
 * The bytes (and decoded text) of the files read most recently, up to a fixed budget, least recently
 * used dropped first. It is what bounds a run's memory: a workspace holds paths and sizes, never every
 * file's content, so a tree ten times larger costs ten times the reading, not ten times the memory.
 */
export class FileCache<Key> {
  private readonly entries = new Map<Key, { bytes: Buffer; text: string | undefined }>();
  private held = 0;

  constructor(private readonly budget: number) {}

  bytesOf(key: Key): Buffer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.bytes;
  }

  textOf(key: Key): string | undefined {
    return this.entries.get(key)?.text;
  }

  putBytes(key: Key, bytes: Buffer): void {
    this.drop(key);
    if (bytes.length > this.budget) return;
    this.entries.set(key, { bytes, text: undefined });
    this.held += bytes.length;
    this.trim();
  }

  /** Keeps a decoded text beside its bytes (both count against the budget); without cached bytes it is not kept. */
  putText(key: Key, text: string): void {
    const entry = this.entries.get(key);
    if (!entry || entry.text !== undefined) return;
    entry.text = text;
    this.held += text.length;
    this.trim();
  }

  drop(key: Key): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.held -= entry.bytes.length + (entry.text?.length ?? 0);
  }

  private trim(): void {
    while (this.held > this.budget) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.drop(oldest.value);
    }
  }
}
