/**
 * The spec being edited: which one, its committed base, the draft, and the draft's issues and plan. Schema issues
 * are found here at once (shared/spec is pure); the host checks and the plan come from `spec.plan`, debounced,
 * and again whenever the host changes.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { NovanetApi } from '../../../shared/ipc/contract';
import { parseSpec } from '../../../shared/spec/validate';
import { specQueryKeys } from '../model/spec-context';
import { asSpecDoc, DEFAULT_SPEC, sameSpec, type SpecDoc } from './spec-doc';

/** Long enough to skip the keystrokes of a word, short enough that the plan follows the form. */
const PLAN_DEBOUNCE_MS = 250;
const STORED_SPEC = 'novanet.spec';
const NO_ISSUES: never[] = [];

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function stored(): string | undefined {
  try {
    return localStorage.getItem(STORED_SPEC) ?? undefined;
  } catch {
    return undefined;
  }
}

export function useSpecDraft(api: NovanetApi, targetKey: string, hostAt: string) {
  const specs = useQuery({
    queryKey: specQueryKeys.list,
    queryFn: async () => (await api.invoke('spec.list', {})).specs,
  });
  const [chosen, setChosen] = useState<string | undefined>(stored);
  const [created, setCreated] = useState<string[]>([]);
  const specName = chosen ?? (specs.isPending ? undefined : (specs.data?.[0]?.spec ?? DEFAULT_SPEC));

  const specNames = useMemo(() => {
    const names = new Set([...(specs.data ?? []).map((s) => s.spec), ...created]);
    if (specName) names.add(specName);
    return [...names].sort();
  }, [specs.data, created, specName]);

  const selectSpec = useCallback((name: string) => {
    setChosen(name);
    setCreated((c) => (c.includes(name) ? c : [...c, name]));
    try {
      localStorage.setItem(STORED_SPEC, name);
    } catch {
      // Private windows may refuse storage; the choice then lasts for this session only.
    }
  }, []);

  const base = useQuery({
    queryKey: specQueryKeys.load(specName ?? '', targetKey),
    enabled: !!specName,
    queryFn: async () => {
      const name = specName ?? DEFAULT_SPEC;
      const r = await api.invoke('spec.load', { name });
      return {
        document: asSpecDoc(r.document, name),
        source: r.source,
        ...(r.version !== undefined ? { version: r.version } : {}),
      };
    },
  });

  // Drafts per spec, so switching specs does not lose edits.
  const [drafts, setDrafts] = useState<Record<string, SpecDoc>>({});
  const baseDoc = base.data?.document;
  const baseRef = useRef(baseDoc);
  baseRef.current = baseDoc;
  const draft = specName ? (drafts[specName] ?? baseDoc) : undefined;

  const setDraft = useCallback(
    (update: (doc: SpecDoc) => SpecDoc) => {
      if (!specName) return;
      setDrafts((d) => {
        const cur = d[specName] ?? baseRef.current;
        return cur ? { ...d, [specName]: update(cur) } : d;
      });
    },
    [specName],
  );
  const replaceDraft = useCallback(
    (doc: SpecDoc) => specName && setDrafts((d) => ({ ...d, [specName]: doc })),
    [specName],
  );
  const discard = useCallback(
    () =>
      specName &&
      setDrafts((d) => {
        const { [specName]: _gone, ...rest } = d;
        return rest;
      }),
    [specName],
  );

  const dirty = useMemo(
    () => !!specName && drafts[specName] !== undefined && !sameSpec(drafts[specName], baseDoc),
    [drafts, specName, baseDoc],
  );
  const local = useMemo(() => (draft ? parseSpec(draft).issues : []), [draft]);
  const json = draft && local.length === 0 ? JSON.stringify(draft) : '';
  const debounced = useDebounced(json, PLAN_DEBOUNCE_MS);

  // Each answer carries the document it is for: a re-check because the host changed keeps the last answer usable.
  const planOf = (doc: string) =>
    api.invoke('spec.plan', { document: JSON.parse(doc) as unknown }).then((r) => ({ ...r, doc }));
  const planQ = useQuery({
    queryKey: specQueryKeys.plan(targetKey, debounced, hostAt),
    enabled: debounced !== '' && debounced === json,
    queryFn: () => planOf(debounced),
    placeholderData: keepPreviousData,
  });

  // Drift: the last committed version against the host. While the draft is that version, it is the plan itself.
  const committed = base.data?.source === 'history';
  const baseJson = committed && dirty && baseDoc ? JSON.stringify(baseDoc) : '';
  const driftQ = useQuery({
    queryKey: specQueryKeys.plan(targetKey, baseJson, hostAt),
    enabled: baseJson !== '',
    queryFn: () => planOf(baseJson),
    placeholderData: keepPreviousData,
  });

  // Only an edit not checked yet counts as waiting; the apply plans again on the server in any case.
  const waiting = json !== debounced || (json !== '' && planQ.data?.doc !== json);
  const sameSpecData = planQ.data && (planQ.data.plan?.spec ?? specName) === specName;
  const issues = local.length ? local : json && sameSpecData ? planQ.data.issues : NO_ISSUES;
  const plan = local.length ? null : json && sameSpecData ? planQ.data.plan : undefined;

  const drift = !committed ? null : dirty ? driftQ.data?.plan : plan;

  return {
    drift,
    specs,
    specNames,
    specName,
    selectSpec,
    base,
    draft,
    setDraft,
    replaceDraft,
    dirty,
    discard,
    issues,
    plan,
    planning: local.length === 0 && !!draft && waiting,
    planError: planQ.error,
    /** Makes `name` the base of its spec right away (after a commit), before the server is asked again. */
    setDrafts,
  };
}
