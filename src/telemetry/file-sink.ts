/**
 * The log file sink: pino-roll in pino's worker-thread transport, so writing and rotating never
 * block the event loop. A new file starts when the current one reaches `maxBytes` and at each
 * day or hour (`frequency`); `keep` rotated files are kept and older ones deleted. Files are
 * named `gateway.1.log`, `gateway.2.log`, … beside `path`; the folder is created if missing.
 * Whatever is buffered is flushed when the process exits.
 */
import { fileURLToPath } from 'node:url';
import { type DestinationStream, pino } from 'pino';
import type { LogFileConfig, RotationFrequency } from '../config/config-telemetry.ts';

export type LogFile = Readonly<Required<LogFileConfig>>;

export function fileDestination(file: LogFile): DestinationStream {
  return pino.transport({
    target: fileURLToPath(import.meta.resolve('pino-roll')),
    options: {
      file: file.path,
      size: `${file.maxBytes}b`,
      frequency: frequencyOf(file.frequency),
      limit: { count: file.keep },
      mkdir: true,
    },
  }) as DestinationStream;
}

function frequencyOf(frequency: RotationFrequency): string | undefined {
  return frequency === 'none' ? undefined : frequency;
}
