/**
 * bench/overhead's command line: its flags, which phases and contenders `--only` selects, and how
 * `--cores` places the processes on the machine's cores.
 */
import { cpus } from 'node:os';
import { FlagError } from '../lib/flags.ts';
import { CONTENDER_NAMES, type ContenderName, type Placement } from './contenders.ts';
import { canPin } from './processes.ts';

export const PHASES = ['sequential', 'fixed', 'max', 'first-token', 'memory'] as const;
/** `profile` runs only when asked for: `--profile`, or `--only profile`. */
export type Phase = (typeof PHASES)[number] | 'profile';

export const FLAGS = {
  quick: {
    type: 'boolean',
    help: 'short runs for a smoke test (under 2 minutes; rough figures)',
  },
  only: {
    type: 'string',
    help: `comma-separated phases (${PHASES.join(', ')}, profile) and/or contenders (${CONTENDER_NAMES.join(', ')}); the direct baseline always runs`,
  },
  cores: {
    type: 'string',
    values: ['split', 'shared'],
    help: 'shared (default): nothing pinned, the kernel shares both cores among all processes; split: the server under test alone on core 1 (taskset), load generator and simulator on core 0',
  },
  profile: {
    type: 'boolean',
    help: 'also profile breakwater (node --cpu-prof) at 2,000 requests/s and name its top self-time functions',
  },
  portkey: {
    type: 'string',
    help: "Portkey's start-server.js to run (default: the installed @portkey-ai/gateway)",
  },
  strict: { type: 'boolean', help: 'exit 1 when a target FAILs' },
  help: { type: 'boolean', help: 'this text' },
} as const;

export interface Selection {
  phases: Set<Phase>;
  contenders: ContenderName[];
}

export function select(only: string | undefined): Selection {
  if (!only) return { phases: new Set(PHASES), contenders: [...CONTENDER_NAMES] };
  const words = only.split(',').map((w) => w.trim());
  const phases = new Set<Phase>();
  const named = new Set<ContenderName>();
  for (const word of words) {
    if ((PHASES as readonly string[]).includes(word) || word === 'profile')
      phases.add(word as Phase);
    else if ((CONTENDER_NAMES as readonly string[]).includes(word))
      named.add(word as ContenderName);
    else {
      throw new FlagError(
        `--only: unknown "${word}" (phases: ${PHASES.join(', ')}, profile; contenders: ${CONTENDER_NAMES.join(', ')})`,
      );
    }
  }
  return {
    phases: phases.size > 0 ? phases : new Set(PHASES),
    contenders: CONTENDER_NAMES.filter((n) => n === 'direct' || named.size === 0 || named.has(n)),
  };
}

export function placementFor(cores: string | undefined): Placement & { description: string } {
  const split = cores === 'split';
  if (split && !canPin()) throw new FlagError('--cores split needs taskset (util-linux)');
  const n = cpus().length;
  if (split && n >= 2) {
    return {
      proxyCpus: '1',
      simulatorCpus: '0',
      description:
        'split — the server under test pinned alone to core 1 (taskset); the load generator and ' +
        'the simulator share core 0. For "direct" the simulator is the server under test, on core 0 ' +
        'with the generator. The bench process itself is idle while a phase runs.',
    };
  }
  return {
    proxyCpus: undefined,
    simulatorCpus: undefined,
    description: `shared — nothing pinned: the kernel spreads the load generator, the simulator and the server under test over ${n} core${n === 1 ? '' : 's'}.`,
  };
}
