import { useModel } from '../model/model-context';
import { useSpec } from '../model/spec-context';
import { SelectField, TextField } from '../switches/fields';
import { setKey } from '../switches/spec-edit';
import { HostsEditor, RangesEditor } from './DhcpRows';
import { EntryDialog } from './EntryDialog';
import { dhcpInterfaceChoices, withCurrent } from './entry-choices';
import type { DhcpDoc } from './net-edit';

/** Comma or space separated addresses -> a list; what is not an address stays for the schema to name. */
function splitList(text: string): string[] | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  return parts.length ? parts : undefined;
}

/** A standalone DHCP server (dnsmasq run by NovaNet) on an interface libvirt does not manage. */
export function DhcpDialog({
  index,
  initial,
  onClose,
}: {
  index: number | undefined;
  initial: DhcpDoc;
  onClose(): void;
}) {
  const s = useSpec();
  const state = useModel().snapshot.data?.state;
  const choices = dhcpInterfaceChoices(s.draft, state);
  return (
    <EntryDialog
      section="dhcp"
      index={index}
      initial={initial}
      title={index === undefined ? 'New DHCP server' : `Edit DHCP server ${initial.name}`}
      testId="dhcp-dialog"
      focus="dhcp-name"
      onClose={onClose}
    >
      {(d, set, at) => {
        const listed = withCurrent(choices, d.interface);
        const options = d.options ?? {};
        return (
          <>
            <div className="grid grid--2">
              <TextField
                label="Name"
                path={`${at}.name`}
                value={d.name}
                testId="dhcp-name"
                onChange={(name) => set((x) => ({ ...x, name }))}
              />
              <SelectField
                label="Interface"
                path={`${at}.interface`}
                value={d.interface}
                testId="dhcp-interface"
                hint={
                  choices.length
                    ? 'It must carry an address: dnsmasq serves that subnet.'
                    : 'No switch or interface here carries an address: give a switch one in the Switches view first.'
                }
                options={[
                  ...(d.interface ? [] : [{ value: '', label: 'Choose an interface…' }]),
                  ...listed.map((c) => ({ value: c.name, label: `${c.name} (${c.detail})` })),
                ]}
                onChange={(i) => set((x) => ({ ...x, interface: i }))}
              />
            </div>
            <RangesEditor
              at={`${at}.ranges`}
              ranges={d.ranges ?? []}
              onChange={(ranges) => set((x) => ({ ...x, ranges }))}
            />
            <HostsEditor at={`${at}.hosts`} hosts={d.hosts ?? []} onChange={(hosts) => set((x) => ({ ...x, hosts }))} />
            <div className="grid grid--2">
              <TextField
                label="Router (gateway)"
                path={`${at}.options.router`}
                value={options.router ?? ''}
                placeholder="this interface's address"
                testId="dhcp-router"
                onChange={(r) =>
                  set((x) => ({ ...x, options: setKey(x.options ?? {}, 'router', r.trim() || undefined) }))
                }
              />
              <TextField
                label="DNS servers"
                path={`${at}.options.dns`}
                deep
                value={(options.dns ?? []).join(', ')}
                placeholder="none announced"
                testId="dhcp-dns"
                hint="Up to 8, separated by commas."
                onChange={(t) => set((x) => ({ ...x, options: setKey(x.options ?? {}, 'dns', splitList(t)) }))}
              />
            </div>
          </>
        );
      }}
    </EntryDialog>
  );
}
