import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useState } from 'react';
import { useFlowStoreApi } from '../store/context.js';
import { Icon } from '../ui/Icon.js';
import type { GroupNode } from './derive.js';

/** The name of a group, renamed in place (double-click or the pencil). */
function GroupName({ groupId, name, readOnly }: { groupId: string; name: string; readOnly: boolean }) {
  const store = useFlowStoreApi();
  const [editing, setEditing] = useState(false);
  if (editing && !readOnly) {
    return (
      <input
        className="group-name-input nodrag"
        aria-label="Group name"
        defaultValue={name}
        autoFocus
        onBlur={(e) => {
          store.getState().renameGroup(groupId, e.target.value);
          setEditing(false);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') setEditing(false);
        }}
      />
    );
  }
  return (
    <span className="group-name" onDoubleClick={() => setEditing(true)} title={readOnly ? name : 'Double-click to rename'}>
      {name}
    </span>
  );
}

function GroupActions({ groupId, collapsed, name }: { groupId: string; collapsed: boolean; name: string }) {
  const store = useFlowStoreApi();
  if (store.getState().readOnly) {
    return (
      <button type="button" className="icon-button nodrag" aria-label={`${collapsed ? 'Open' : 'Collapse'} group ${name}`} onClick={() => store.getState().toggleGroup(groupId)}>
        <Icon name={collapsed ? 'expand' : 'collapse'} size={14} />
      </button>
    );
  }
  return (
    <span className="group-actions nodrag">
      <button type="button" className="icon-button" aria-label={`${collapsed ? 'Open' : 'Collapse'} group ${name}`} title={collapsed ? 'Open the group' : 'Collapse the group into one box'} onClick={() => store.getState().toggleGroup(groupId)}>
        <Icon name={collapsed ? 'expand' : 'collapse'} size={14} />
      </button>
      <button type="button" className="icon-button" aria-label={`Ungroup ${name}`} title="Ungroup (the steps stay)" onClick={() => store.getState().ungroup(groupId)}>
        ✕
      </button>
    </span>
  );
}

/** An open group: a labelled frame behind its steps; its title selects them all. */
export const GroupFrame = memo(function GroupFrame({ data }: NodeProps<GroupNode>) {
  const store = useFlowStoreApi();
  const { group } = data;
  return (
    <div className="group-frame" aria-label={`Group ${group.name}, ${group.nodes.length} steps`}>
      <div className="group-title">
        <button type="button" className="link nodrag" aria-label={`Select the steps of ${group.name}`} onClick={() => store.getState().select(group.nodes)}>
          <Icon name="group" size={13} />
        </button>
        <GroupName groupId={group.id} name={group.name} readOnly={store.getState().readOnly} />
        <GroupActions groupId={group.id} collapsed={false} name={group.name} />
      </div>
    </div>
  );
});

/** A collapsed group: one box for its steps, with the exits that leave it. */
export const GroupBox = memo(function GroupBox({ data }: NodeProps<GroupNode>) {
  const store = useFlowStoreApi();
  const { group, exits, errors, active } = data;
  return (
    <div className={`group-box${active ? ' is-active' : ''}${errors ? ' has-errors' : ''}`} aria-label={`Collapsed group ${group.name}, ${group.nodes.length} steps`}>
      <Handle type="target" position={Position.Top} id="in" className="handle-in" />
      <div className="group-title">
        <Icon name="group" size={14} />
        <GroupName groupId={group.id} name={group.name} readOnly={store.getState().readOnly} />
        <GroupActions groupId={group.id} collapsed name={group.name} />
      </div>
      <div className="group-summary">
        {group.nodes.length} steps{errors > 0 && <span className="badge badge-error">{errors} ✕</span>}
      </div>
      <div className="flow-node-outcomes">
        {exits.map((x, i) => (
          <div key={x.handle} className="flow-node-outcome" style={{ left: `${((i + 0.5) / exits.length) * 100}%` }}>
            <Handle type="source" position={Position.Bottom} id={x.handle} className="handle-out" isConnectable={false} title={x.label} />
          </div>
        ))}
      </div>
    </div>
  );
});
