import { useQuery } from '@tanstack/react-query';
import { CircleAlert, LoaderCircle, TriangleAlert, Undo2 } from 'lucide-react';
import { useModel } from '../model/model-context';
import { specQueryKeys, useSpec } from '../model/spec-context';
import { BlockerFooter, Dialog } from './Dialog';
import { PlanGroups } from './PlanGroups';
import { asSpecDoc, emptySpec, type SpecDoc } from './spec-doc';

/**
 * Confirms a revert by showing what it would do now: the plan from the host as it is to that version (not the
 * plan the version ran back then). Version 0 is the state before the first version: nothing owned by the spec.
 */
export function RevertDialog({ spec, version, onClose }: { spec: string; version: number; onClose(): void }) {
  const { api, targetKey, snapshot } = useModel();
  const s = useSpec();
  const doc = useQuery({
    queryKey: specQueryKeys.version(spec, version),
    queryFn: async (): Promise<SpecDoc> =>
      version === 0 ? emptySpec(spec) : asSpecDoc((await api.invoke('history.get', { spec, version })).document, spec),
    staleTime: Infinity,
  });
  const json = doc.data ? JSON.stringify(doc.data) : '';
  const plan = useQuery({
    queryKey: ['revert.plan', targetKey, json, snapshot.data?.state.takenAt ?? ''],
    enabled: !!doc.data,
    queryFn: () => api.invoke('spec.plan', { document: doc.data }),
  });
  const steps = plan.data?.plan?.steps ?? [];
  const issues = plan.data?.issues ?? [];
  const loading = doc.isPending || (plan.isPending && !!doc.data);
  const blocker =
    s.privilegeBlocker ??
    (s.run && s.run.phase !== 'finished' ? 'An apply is in progress.' : null) ??
    (loading ? 'Working out what the revert would change…' : null) ??
    (doc.error || plan.error ? 'The revert could not be planned.' : null) ??
    (issues.length ? 'This version no longer fits the host (see the problems above).' : null) ??
    (steps.length === 0 ? 'Nothing to do: the host already matches this version.' : null);
  const confirm = () => {
    if (blocker || !doc.data || !plan.data?.plan) return;
    s.revert(version, doc.data, plan.data.plan.steps);
    onClose();
  };
  const target =
    version === 0 ? `the state before version 1 (nothing owned by ${spec})` : `version ${version} of ${spec}`;
  return (
    <Dialog
      title={version === 0 ? 'Revert to before version 1' : `Revert to version ${version}`}
      testId="revert-dialog"
      wide
      onClose={onClose}
      onSubmit={confirm}
      footer={
        <BlockerFooter blocker={blocker} onCancel={onClose} submitTestId="revert-confirm" autofocusCancel>
          <Undo2 size={16} aria-hidden />
          Revert{steps.length ? ` (${steps.length} step${steps.length === 1 ? '' : 's'})` : ''}
        </BlockerFooter>
      }
    >
      <p>
        Brings the host back to {target}, through the same apply as any change: progress per step, then “Keep these
        changes?”.
      </p>
      {s.dirty && spec === s.specName && (
        <p className="dialog__warning">
          <TriangleAlert size={15} aria-hidden />
          Your edits to {spec} that are not applied yet are replaced by this version.
        </p>
      )}
      {loading && (
        <p role="status" className="dialog__loading">
          <LoaderCircle size={16} className="spin" aria-hidden /> Planning the revert…
        </p>
      )}
      {(doc.error || plan.error) && (
        <p role="alert" className="dialog__error">
          <CircleAlert size={15} aria-hidden /> {(doc.error ?? plan.error)?.message}
        </p>
      )}
      {issues.length > 0 && (
        <ul className="issues" data-testid="revert-issues">
          {issues.map((i, n) => (
            <li key={n}>
              <code>{i.path}</code> {i.message}
            </li>
          ))}
        </ul>
      )}
      {steps.length > 0 && <PlanGroups steps={steps} />}
    </Dialog>
  );
}
