import { createContext, useContext, useId, type ReactNode } from 'react';
import type { PromptRecord } from '../api/client.js';
import {
  discriminator,
  humanise,
  initialValue,
  isPromptSchema,
  resolve,
  unionVariants,
  type JsonSchema,
} from './json-schema.js';
import { PromptField } from './PromptField.js';

export interface FormContextValue {
  root: JsonSchema;
  /** Messages of the engine's diagnostics whose field is exactly this dotted path. */
  errorsAt(path: string): string[];
  languages: string[];
  prompts: PromptRecord[];
  /** Names of the secrets a text field may refer to ({{secret:NAME}}); none for viewers. */
  secrets: string[];
  readOnly: boolean;
  /** Stored things a param may name by id (schedules, queues, flows), offered by name. */
  refs?: Partial<Record<NonNullable<JsonSchema['ref']>, Array<{ value: string; label: string }>>>;
}
export const FormContext = createContext<FormContextValue | null>(null);
const useForm = () => {
  const form = useContext(FormContext);
  if (!form) throw new Error('SchemaField must be inside a FormContext');
  return form;
};

export interface FieldProps {
  schema: JsonSchema;
  path: Array<string | number>;
  label: string;
  value: unknown;
  required: boolean;
  onChange(value: unknown): void;
}

const NOT_SET = '\u0000unset';
const dotted = (path: Array<string | number>) => path.join('.');

/** Label, help text and errors around one control. */
function FieldFrame({ id, label, help, errors, children, inline }: { id: string; label: string; help?: string; errors: string[]; children: ReactNode; inline?: boolean }) {
  return (
    <div className={`field${inline ? ' field-inline' : ''}${errors.length ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {help && (
        <small id={`${id}-help`} className="help">
          {help}
        </small>
      )}
      <FieldErrors errors={errors} id={`${id}-error`} />
    </div>
  );
}

/** The engine's messages for one field. */
export function FieldErrors({ errors, id }: { errors: string[]; id?: string }) {
  return (
    <>
      {errors.map((e) => (
        <small key={e} id={id} className="field-error" role="alert">
          {e}
        </small>
      ))}
    </>
  );
}

/** A fieldset for params made of parts (an object, a list, a prompt): legend, help, errors, then the parts. */
export function FieldGroup({ label, field, help, errors, className = '', children }: { label: string; field: string; help?: string; errors: string[]; className?: string; children: ReactNode }) {
  return (
    <fieldset className={`field-group ${className}${errors.length ? ' field-invalid' : ''}`} data-field={field}>
      <legend>{label}</legend>
      {help && <small className="help">{help}</small>}
      <FieldErrors errors={errors} />
      {children}
    </fieldset>
  );
}

function describedBy(id: string, help: string | undefined, errors: string[]) {
  return [help && `${id}-help`, errors.length && `${id}-error`].filter(Boolean).join(' ') || undefined;
}

/** One param, drawn from its JSON Schema: the control follows the type. */
export function SchemaField(props: FieldProps) {
  const form = useForm();
  const id = useId();
  const schema = resolve(props.schema, form.root);
  const { path, label, value, onChange, required } = props;
  const errors = form.errorsAt(dotted(path));
  const help = schema.description;
  const field = dotted(path);
  const common = {
    id,
    'data-field': field,
    disabled: form.readOnly,
    'aria-invalid': errors.length > 0 || undefined,
    'aria-describedby': describedBy(id, help, errors),
  };

  if (isPromptSchema(schema)) {
    return <PromptField {...props} schema={schema} errors={errors} />;
  }

  const union = unionVariants(schema);
  if (union) return <UnionField {...props} schema={schema} variants={union.variants} nullable={union.nullable} errors={errors} />;

  if (schema.const !== undefined) return null;

  if (schema.ref && schema.type === 'string') {
    const choices = form.refs?.[schema.ref] ?? [];
    const known = value === undefined || choices.some((c) => c.value === value);
    return (
      <FieldFrame id={id} label={label} help={help} errors={errors}>
        <select {...common} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
          <option value="">{`Choose a ${schema.ref}…`}</option>
          {!known && <option value={String(value)}>{`${String(value)} (not found)`}</option>}
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </FieldFrame>
    );
  }

  if (schema.enum) {
    const options = schema.enum.map(String);
    // An enum may itself offer "" (e.g. no terminator key), so "not set" needs its own value.
    const hasEmpty = options.includes('');
    return (
      <FieldFrame id={id} label={label} help={help} errors={errors}>
        <select
          {...common}
          value={value !== undefined ? String(value) : schema.default !== undefined ? String(schema.default) : hasEmpty ? NOT_SET : ''}
          onChange={(e) => onChange(e.target.value === NOT_SET || (!hasEmpty && e.target.value === '') ? undefined : schema.enum!.find((o) => String(o) === e.target.value))}
        >
          {(!required || value === undefined) && <option value={hasEmpty ? NOT_SET : ''}>{required ? 'Choose…' : hasEmpty ? '(default)' : '(none)'}</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {o === '' ? '(none)' : o}
            </option>
          ))}
        </select>
      </FieldFrame>
    );
  }

  switch (schema.type) {
    case 'boolean':
      return (
        <FieldFrame id={id} label={label} help={help} errors={errors} inline>
          <input {...common} type="checkbox" checked={value === undefined ? schema.default === true : value === true} onChange={(e) => onChange(e.target.checked)} />
        </FieldFrame>
      );
    case 'number':
    case 'integer':
      return (
        <FieldFrame id={id} label={label} help={help} errors={errors}>
          <input
            {...common}
            type="number"
            inputMode="numeric"
            min={schema.minimum ?? schema.exclusiveMinimum}
            max={schema.maximum ?? schema.exclusiveMaximum}
            step={schema.type === 'integer' ? 1 : 'any'}
            placeholder={schema.default !== undefined ? String(schema.default) : undefined}
            value={value === undefined || value === null ? '' : String(value)}
            onChange={(e) => {
              const text = e.target.value;
              if (text === '') onChange(undefined);
              else onChange(Number.isFinite(Number(text)) ? Number(text) : text);
            }}
          />
        </FieldFrame>
      );
    case 'array':
      return <ArrayField {...props} schema={schema} errors={errors} />;
    case 'object':
      if (schema.properties) return <ObjectField {...props} schema={schema} errors={errors} />;
      if (typeof schema.additionalProperties === 'object') return <RecordField {...props} schema={schema} errors={errors} />;
      break;
    case 'string': {
      const long = (schema.maxLength ?? 0) > 200;
      const text = value === undefined || value === null ? '' : String(value);
      const change = (t: string) => onChange(t === '' && !required ? undefined : t);
      // Fields whose schema says secrets are filled in (an http node's URL, headers, body) offer the secrets by name.
      const takesSecrets = !form.readOnly && form.secrets.length > 0 && (help ?? '').includes('{{secret:NAME}}');
      return (
        <FieldFrame id={id} label={label} help={help} errors={errors}>
          {long ? (
            <textarea {...common} value={text} rows={3} onChange={(e) => change(e.target.value)} />
          ) : (
            <input {...common} type="text" value={text} placeholder={typeof schema.default === 'string' ? schema.default : undefined} onChange={(e) => change(e.target.value)} />
          )}
          {takesSecrets && (
            <select
              className="secret-picker"
              aria-label={`Insert a secret into ${label}`}
              value=""
              onChange={(e) => e.target.value && change(`${text}{{secret:${e.target.value}}}`)}
            >
              <option value="">Insert a secret…</option>
              {form.secrets.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </FieldFrame>
      );
    }
  }
  return <JsonField {...props} errors={errors} />;
}

type WithErrors = FieldProps & { errors: string[] };

/** Params grouped in an object: a fieldset with one field per property. */
export function ObjectField({ schema, path, label, value, onChange, errors, flat = false }: WithErrors & { flat?: boolean }) {
  const form = useForm();
  const current = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const required = new Set(schema.required ?? []);
  const body = Object.entries(schema.properties ?? {}).map(([key, child]) => (
    <SchemaField
      key={key}
      schema={child}
      path={[...path, key]}
      label={resolve(child, form.root).title ?? humanise(key)}
      value={current[key]}
      required={required.has(key)}
      onChange={(v) => {
        const { [key]: _old, ...rest } = current;
        onChange(v === undefined ? rest : { ...current, [key]: v });
      }}
    />
  ));
  if (path.length === 0 || flat) return <>{body}</>;
  return (
    <FieldGroup label={label} field={dotted(path)} help={schema.description} errors={errors}>
      {body}
    </FieldGroup>
  );
}

/** A list (menu options, keyword groups …): add, remove and reorder items. */
function ArrayField({ schema, path, label, value, onChange, errors }: WithErrors) {
  const form = useForm();
  const items = Array.isArray(value) ? value : [];
  const itemSchema = schema.items ?? {};
  const itemLabel = resolve(itemSchema, form.root).description?.split(/[.(]/)[0]?.trim() || 'Item';
  const full = schema.maxItems !== undefined && items.length >= schema.maxItems;
  return (
    <FieldGroup label={label} field={dotted(path)} help={schema.description} errors={errors} className="field-list">
      {items.map((item, index) => (
        <div className="list-item" key={index}>
          <SchemaField
            schema={itemSchema}
            path={[...path, index]}
            label={`${itemLabel} ${index + 1}`}
            value={item}
            required
            onChange={(v) => onChange(items.map((old, i) => (i === index ? v : old)))}
          />
          {!form.readOnly && (
            <div className="list-item-actions">
              <button type="button" className="icon-button" aria-label={`Move ${itemLabel} ${index + 1} up`} disabled={index === 0} onClick={() => onChange(swap(items, index, index - 1))}>
                ↑
              </button>
              <button type="button" className="icon-button" aria-label={`Remove ${itemLabel} ${index + 1}`} onClick={() => onChange(items.filter((_, i) => i !== index))}>
                ✕
              </button>
            </div>
          )}
        </div>
      ))}
      {!form.readOnly && (
        <button type="button" disabled={full} onClick={() => onChange([...items, initialValue(itemSchema, form.root)])}>
          Add {itemLabel.toLowerCase()}
        </button>
      )}
    </FieldGroup>
  );
}

function swap<T>(items: T[], a: number, b: number): T[] {
  const copy = [...items];
  [copy[a], copy[b]] = [copy[b]!, copy[a]!];
  return copy;
}

/** A map of names to values (e.g. HTTP headers): one row per key. */
function RecordField({ schema, path, label, value, onChange, errors }: WithErrors) {
  const form = useForm();
  const entries = Object.entries((value && typeof value === 'object' ? value : {}) as Record<string, unknown>);
  const valueSchema = schema.additionalProperties as JsonSchema;
  const rebuild = (next: Array<[string, unknown]>) => onChange(Object.fromEntries(next));
  return (
    <FieldGroup label={label} field={dotted(path)} help={schema.description} errors={errors}>
      {entries.map(([key, v], index) => (
        <div className="list-item record-row" key={index}>
          <input aria-label={`${label} name ${index + 1}`} value={key} disabled={form.readOnly} onChange={(e) => rebuild(entries.map((en, i) => (i === index ? [e.target.value, en[1]] : en)))} />
          <SchemaField schema={valueSchema} path={[...path, key]} label={key || `${label} value ${index + 1}`} value={v} required onChange={(nv) => rebuild(entries.map((en, i) => (i === index ? [en[0], nv] : en)))} />
          {!form.readOnly && (
            <button type="button" className="icon-button" aria-label={`Remove ${key || `entry ${index + 1}`}`} onClick={() => rebuild(entries.filter((_, i) => i !== index))}>
              ✕
            </button>
          )}
        </div>
      ))}
      {!form.readOnly && (
        <button type="button" onClick={() => rebuild([...entries, [`name${entries.length + 1}`, initialValue(valueSchema, form.root)]])}>
          Add entry
        </button>
      )}
    </FieldGroup>
  );
}

/** A choice between shapes (e.g. a condition comparing a variable or the time): pick one, then fill it in. */
function UnionField({ schema, path, label, value, onChange, required, errors, variants, nullable }: WithErrors & { variants: JsonSchema[]; nullable: boolean }) {
  const form = useForm();
  const id = useId();
  const tag = discriminator(variants, form.root);
  const resolved = variants.map((v) => resolve(v, form.root));
  const names = resolved.map((v, i) => String((tag && v.properties?.[tag]?.const) ?? v.title ?? v.description ?? v.type ?? `Choice ${i + 1}`));
  const chosen = value === null || value === undefined ? -1 : tag ? resolved.findIndex((v) => v.properties?.[tag]?.const === (value as Record<string, unknown>)[tag]) : resolved.findIndex((v) => matchesType(v, value));
  return (
    <div className="field-union" data-field={dotted(path)}>
      <FieldFrame id={id} label={label} help={schema.description} errors={errors}>
        <select
          id={id}
          disabled={form.readOnly}
          value={chosen}
          onChange={(e) => {
            const i = Number(e.target.value);
            onChange(i < 0 ? (nullable ? null : undefined) : initialValue(variants[i]!, form.root));
          }}
        >
          {(chosen < 0 || !required || nullable) && <option value={-1}>{nullable ? '(none)' : 'Choose…'}</option>}
          {names.map((n, i) => (
            <option key={n} value={i}>
              {humanise(n)}
            </option>
          ))}
        </select>
      </FieldFrame>
      {chosen >= 0 &&
        (resolved[chosen]!.type === 'object' && resolved[chosen]!.properties ? (
          // The chosen shape's own fields follow the choice, without a second box named like it.
          <ObjectField schema={resolved[chosen]!} path={path} label={label} value={value} required={required} onChange={onChange} errors={[]} flat />
        ) : (
          <SchemaField schema={{ ...resolved[chosen]!, description: undefined }} path={path} label={label} value={value} required={required} onChange={onChange} />
        ))}
    </div>
  );
}

function matchesType(s: JsonSchema, value: unknown): boolean {
  if (Array.isArray(value)) return s.type === 'array';
  if (value === null) return s.type === 'null';
  const t = typeof value;
  return t === 'object' ? s.type === 'object' : t === 'number' ? s.type === 'number' || s.type === 'integer' : s.type === t;
}

/** Anything the form cannot draw (should be rare): edit it as JSON. */
function JsonField({ path, label, value, onChange, errors, schema }: WithErrors) {
  const form = useForm();
  const id = useId();
  return (
    <FieldFrame id={id} label={label} help={schema.description} errors={errors}>
      <textarea
        id={id}
        data-field={dotted(path)}
        disabled={form.readOnly}
        rows={3}
        defaultValue={value === undefined ? '' : JSON.stringify(value, null, 2)}
        onBlur={(e) => {
          try {
            onChange(e.target.value.trim() === '' ? undefined : JSON.parse(e.target.value));
          } catch {
            onChange(e.target.value);
          }
        }}
      />
    </FieldFrame>
  );
}
