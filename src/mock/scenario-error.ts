/**
 * `ScenarioError`: a scenario that cannot be used, with every problem found, each at its field's
 * full path (`models["gpt-4o"].faults[0].probability`). `field` is the first problem's path.
 */

export interface ScenarioIssue {
  /** `default.faults[0].kind`; empty for the scenario as a whole. */
  readonly field: string;
  /** What was expected and what was given. */
  readonly problem: string;
}

export class ScenarioError extends Error {
  readonly field: string;
  readonly issues: readonly ScenarioIssue[];

  constructor(issues: ScenarioIssue | readonly ScenarioIssue[]) {
    const list = Object.freeze(Array.isArray(issues) ? [...issues] : [issues as ScenarioIssue]);
    const lines = list.map((i) => `${i.field || '(root)'}: ${i.problem}`);
    super(
      lines.length === 1
        ? `scenario: ${lines[0]}`
        : `scenario: ${lines.length} problems:\n  ${lines.join('\n  ')}`,
    );
    this.name = 'ScenarioError';
    this.field = list[0]?.field ?? '';
    this.issues = list;
  }
}

/** `parent.key`, or `parent["odd-key"]` when the key is not a plain identifier. */
export function formatField(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}
