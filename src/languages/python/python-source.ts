import { positionLookup } from '../../workspace/text-position.js';
import type { Finding } from '../../checks/types.js';
import { snippetOf } from '../../workspace/snippet.js';
import type { WorkspaceFile } from '../../workspace/workspace.js';
import { notebookCode } from './notebook.js';

/** Where a finding points: in the file's own text, and for a notebook also in the cell. */
export type SourceLocation = Required<Pick<Finding, 'file' | 'line' | 'column' | 'snippet'>> & Pick<Finding, 'cell'>;

/** The Python one audited file holds (a .py file's text, or a notebook's code cells) and how to point into the file. */
export interface PythonSource {
  file: WorkspaceFile;
  python: string;
  /** The location of a UTF-16 offset into `python`. */
  locate(offset: number): SourceLocation;
}

/**
 * Installed packages (a virtualenv's `site-packages/`, when it is not git-ignored) are not the app's code, and
 * `.ipynb_checkpoints/` holds Jupyter's autosaved copies of notebooks: auditing them would repeat every finding.
 */
const NOT_THE_APPS_CODE = /(?:^|\/)(?:site-packages|\.ipynb_checkpoints)\//;

export const isPythonPath = (path: string): boolean => (path.endsWith('.py') || path.endsWith('.ipynb')) && !NOT_THE_APPS_CODE.test(path);

/** Throws a NotebookError for a notebook that cannot be read. */
export function pythonSourceOf(file: WorkspaceFile): PythonSource {
  return file.path.endsWith('.ipynb') ? notebookSource(file) : scriptSource(file);
}

function scriptSource(file: WorkspaceFile): PythonSource {
  const python = file.text();
  const positionOf = positionLookup(python);
  return {
    file,
    python,
    locate(offset) {
      const { line, column } = positionOf(offset);
      return { file: file.path, line, column, snippet: snippetOf(file.lineText(line)) };
    },
  };
}

function notebookSource(file: WorkspaceFile): PythonSource {
  const text = file.text();
  const { python, rawOffsets, cells } = notebookCode(text);
  const inNotebook = positionLookup(text);
  const inPython = positionLookup(python);
  const pythonLines = python.split('\n');
  return {
    file,
    python,
    locate(offset) {
      let cell = cells[0]!;
      for (const candidate of cells) if (candidate.start <= offset) cell = candidate;
      const at = inPython(offset);
      const cellStart = inPython(cell.start);
      const raw = rawOffsets[offset] ?? -1;
      // A position past a cell's last character (never a call's start) falls back to the cell's start.
      const { line, column } = inNotebook(raw >= 0 ? raw : (rawOffsets[cell.start] ?? 0));
      const cellLine = at.line - cellStart.line + 1;
      return {
        file: file.path,
        line,
        column,
        cell: { index: cell.index, line: cellLine, column: at.column },
        snippet: snippetOf(pythonLines[at.line - 1] ?? ''),
      };
    },
  };
}
