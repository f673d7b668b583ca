import type { Report } from '../engine/report.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import type { ReportFormat } from './formats.js';
import type { RenderOptions } from './render-options.js';
import { renderGithub } from './github.js';
import { renderGitlab } from './gitlab.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export type { RenderOptions } from './render-options.js';
export { renderGithub, renderJson, renderJunit, renderSarif, renderText };
export { renderStepSummary } from './step-summary.js';

export type { ReportFormat } from './formats.js';

type Renderer = (report: Report, options: RenderOptions) => string;

/** One renderer per format; a new format (sarif, github) is one more entry. */
const RENDERERS: Readonly<Record<ReportFormat, Renderer>> = {
  text: renderText,
  json: (report) => renderJson(report),
  junit: renderJunit,
  sarif: renderSarif,
  github: renderGithub,
  gitlab: renderGitlab,
};

/** Renders the report in the given format: a pure function of its inputs. */
export function render(format: ReportFormat, report: Report, options: RenderOptions): string {
  return RENDERERS[format](report, options);
}
