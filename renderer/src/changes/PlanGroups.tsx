import { Boxes, Network, Cable, Waypoints } from 'lucide-react';
import type { Step } from '../../../shared/plan/operations';
import type { StepStatus } from './apply-state';
import { StepRow } from './StepRow';

/** The plan's steps grouped per object ("switch br-lan"), in plan order of each object's first step. */
export function groupSteps(steps: readonly Step[]): { object: string; steps: Step[] }[] {
  const groups = new Map<string, Step[]>();
  for (const s of steps) {
    let g = groups.get(s.object);
    if (!g) groups.set(s.object, (g = []));
    g.push(s);
  }
  return [...groups].map(([object, list]) => ({ object, steps: list }));
}

function objectIcon(object: string) {
  if (object.startsWith('switch ')) return Network;
  if (object.startsWith('vlan ')) return Cable;
  if (object.startsWith('overlay ')) return Waypoints;
  return Boxes;
}

export function PlanGroups({
  steps,
  status,
  messages,
}: {
  steps: readonly Step[];
  status?: readonly StepStatus[];
  messages?: readonly (string | undefined)[];
}) {
  return (
    <div className="plan-groups">
      {groupSteps(steps).map((g) => {
        const Icon = objectIcon(g.object);
        const [kind, ...rest] = g.object.split(' ');
        return (
          <section
            className="plan-group"
            key={g.object}
            aria-label={g.object}
            data-testid={`plan-group-${g.object.replace(/\s+/g, '-')}`}
          >
            <h3 className="plan-group__title">
              <Icon size={15} aria-hidden />
              <span className="plan-group__kind">{kind}</span>
              <span className="plan-group__name">{rest.join(' ')}</span>
              <span className="plan-group__count">
                {g.steps.length} step{g.steps.length === 1 ? '' : 's'}
              </span>
            </h3>
            <ol className="steps">
              {g.steps.map((s) => (
                <StepRow key={s.index} step={s} status={status?.[s.index]} message={messages?.[s.index]} />
              ))}
            </ol>
          </section>
        );
      })}
    </div>
  );
}
