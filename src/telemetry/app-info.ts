/**
 * What every log line and span is tagged with, so a failure can be tied to a deployment: the
 * package version, the build id (`BREAKWATER_BUILD_ID` or the config's `telemetry.buildId`) and
 * the environment (`BREAKWATER_ENV` or `telemetry.environment`).
 */
import { readFileSync } from 'node:fs';

/** The package's version, read once (from src/ and from dist/ alike: both sit two levels down). */
export const APP_VERSION: string = (() => {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();

export type AppInfo = {
  service: 'breakwater';
  version: string;
  env: string;
  buildId?: string;
};

export function appInfo(tags: { environment: string; buildId: string | undefined }): AppInfo {
  const info: AppInfo = { service: 'breakwater', version: APP_VERSION, env: tags.environment };
  if (tags.buildId !== undefined) info.buildId = tags.buildId;
  return info;
}
