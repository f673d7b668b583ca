/** The report formats, in a module with no imports so the CLI can name them without loading a reporter. */
export const REPORT_FORMATS = ['text', 'json', 'junit', 'sarif', 'github', 'gitlab'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
