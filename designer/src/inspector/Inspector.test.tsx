import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { latestDefinitions } from '../../../engine/src/core/catalogue.js';
import type { FlowNode } from '../../../engine/src/core/flow/schema.js';
import { FlowStoreProvider } from '../store/context.js';
import { createFlowStore, emptyFlow, type FlowStore } from '../store/flow-store.js';
import { Inspector } from './Inspector.js';

afterEach(cleanup);

/** Open the inspector on one node of a flow offering English and Welsh. */
function inspect(node: Omit<FlowNode, 'ui'>, languages = ['en-GB', 'cy-GB'], secrets: string[] = []): FlowStore {
  const flow = { ...emptyFlow('test', 'Test'), languages, entry: node.id, nodes: [{ ...node, ui: { x: 0, y: 0 } }] };
  const store = createFlowStore({ flowId: 'test', flow, revision: 1, diagnosticsDelayMs: 0 });
  store.getState().select([node.id]);
  render(
    <FlowStoreProvider store={store}>
      <Inspector prompts={[{ id: 'welcome', name: 'Welcome message', text: { 'en-GB': 'Welcome' } }]} secrets={secrets} />
    </FlowStoreProvider>,
  );
  return store;
}
const params = (store: FlowStore) => store.getState().flow.nodes[0]!.params;

describe('inspector forms generated from node schemas', () => {
  it('menu: prompt per language, a list of options with add/remove, numbers with limits, help text', () => {
    const store = inspect({
      id: 'main-menu',
      kind: 'menu',
      version: 1,
      params: { prompt: { text: { 'en-GB': 'For bins press 1' } }, options: [{ digit: '1', label: 'Bins' }] },
    });
    expect(screen.getByRole('heading', { name: 'Menu' })).toBeTruthy();
    expect((screen.getAllByLabelText('Prompt (English)')[0] as HTMLTextAreaElement).value).toBe('For bins press 1');
    expect(screen.getAllByLabelText('Prompt (Welsh)')).toHaveLength(3); // the question, and the no-input and no-match re-prompts
    expect(screen.getAllByLabelText('Recorded prompt')[0]!.textContent).toContain('Welcome message');
    const timeout = screen.getByLabelText('Wait for a key (seconds)') as HTMLInputElement;
    expect([timeout.min, timeout.max, timeout.placeholder]).toEqual(['1', '30', '5']);
    expect(screen.getByText('How long to wait for a key after the question')).toBeTruthy();

    fireEvent.change(screen.getAllByLabelText('Prompt (Welsh)')[0]!, { target: { value: 'Am finiau pwyswch 1' } });
    expect(params(store).prompt).toEqual({ text: { 'en-GB': 'For bins press 1', 'cy-GB': 'Am finiau pwyswch 1' } });

    const options = screen.getByRole('group', { name: 'Options' });
    fireEvent.click(within(options).getByRole('button', { name: 'Add option' }));
    const second = screen.getByRole('group', { name: 'Option 2' });
    // A new option takes the next free key, not a copy of the one before.
    expect((within(second).getByLabelText('Key') as HTMLSelectElement).value).toBe('2');
    fireEvent.change(within(second).getByLabelText('Label'), { target: { value: 'Council tax' } });
    expect(params(store).options).toEqual([
      { digit: '1', label: 'Bins' },
      { digit: '2', label: 'Council tax' },
    ]);
    fireEvent.click(within(options).getByRole('button', { name: 'Remove Option 1' }));
    expect(params(store).options).toEqual([{ digit: '2', label: 'Council tax' }]);
  });

  it('prompts: only the flow’s languages; a standard Welsh text left behind by an English change is flagged beside it', () => {
    const englishOnly = inspect({ id: 'm', kind: 'menu', version: 2, params: { prompt: { text: { 'en-GB': 'Press 1' } }, options: [{ digit: '1', label: 'Bins' }] } }, ['en-GB']);
    expect(screen.queryAllByLabelText('Prompt (Welsh)')).toHaveLength(0);
    expect(screen.getAllByLabelText('Prompt (English)')).toHaveLength(3);
    expect(englishOnly.getState().flow.nodes[0]!.params).toMatchObject({ prompt: { text: { 'en-GB': 'Press 1' } } });
    cleanup();
    inspect({
      id: 'm',
      kind: 'menu',
      version: 2,
      params: {
        prompt: { text: { 'en-GB': 'Press 1', 'cy-GB': 'Pwyswch 1' } },
        options: [{ digit: '1', label: 'Bins' }],
        noInput: { prompt: { text: { 'en-GB': "Sorry, I didn't hear anything.", 'cy-GB': "Mae'n ddrwg gen i, chlywais i ddim byd." } } },
      },
    });
    const noInputEnglish = screen.getAllByLabelText('Prompt (English)')[1]!;
    fireEvent.change(noInputEnglish, { target: { value: 'Are you still there?' } });
    const welsh = screen.getAllByLabelText('Prompt (Welsh)')[1]!;
    expect(welsh.closest('.field')!.textContent).toMatch(/the English was changed, but the Welsh is still the standard text/);
  });

  it('menu: an invalid value shows the engine’s error beside the field as you type', () => {
    inspect({
      id: 'main-menu',
      kind: 'menu',
      version: 1,
      params: { prompt: { text: { 'en-GB': 'Press 1', 'cy-GB': 'Pwyswch 1' } }, options: [{ digit: '1', label: 'Bins' }, { digit: '2', label: 'Tax' }] },
    });
    const second = screen.getByRole('group', { name: 'Option 2' });
    const digit = within(second).getByLabelText('Key');
    expect(digit.getAttribute('aria-invalid')).toBeNull();
    fireEvent.change(digit, { target: { value: '1' } });
    expect(within(second).getByRole('alert').textContent).toMatch(/key 1 is used by two options/);
    expect(digit.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(digit, { target: { value: '3' } });
    expect(within(second).queryByRole('alert')).toBeNull();
  });

  it('speech: keyword groups as a list, checkboxes, out-of-range numbers flagged', () => {
    const store = inspect({
      id: 'ask-reason',
      kind: 'speech',
      version: 1,
      params: { prompt: { text: { 'en-GB': 'How can we help?', 'cy-GB': 'Sut allwn ni helpu?' } }, groups: [{ outcome: 'bins', phrases: ['bin'] }] },
    });
    expect(screen.getByRole('group', { name: 'Groups' })).toBeTruthy();
    const bargeIn = screen.getByLabelText('Barge in') as HTMLInputElement;
    expect(bargeIn.checked).toBe(true);
    fireEvent.click(bargeIn);
    expect(params(store).bargeIn).toBe(false);
    const timeout = screen.getByLabelText('Wait for an answer (seconds)');
    fireEvent.change(timeout, { target: { value: '0.5' } });
    expect(params(store).noInputTimeoutSeconds).toBe(0.5);
    expect(timeout.closest('.field')!.querySelector('[role="alert"]')?.textContent).toBeTruthy();
    fireEvent.change(timeout, { target: { value: '' } });
    expect(params(store)).not.toHaveProperty('noInputTimeoutSeconds');
    // Phrases are typed one per line; the exit name follows the label.
    const group = screen.getByRole('group', { name: 'Keyword group 1' });
    fireEvent.change(within(group).getByLabelText('Words and phrases'), { target: { value: 'bin\nmissed bin\n\nrecycling' } });
    expect((params(store).groups as Array<{ phrases: string[] }>)[0]!.phrases).toEqual(['bin', 'missed bin', 'recycling']);
    fireEvent.change(within(group).getByLabelText('Label'), { target: { value: 'Bins and recycling' } });
    expect((params(store).groups as Array<{ outcome: string }>)[0]!.outcome).toBe('bins-and-recycling');
  });

  it('collect digits: enums as selects (including "no terminator"), optional text removed when emptied', () => {
    const store = inspect({
      id: 'reference',
      kind: 'collect-digits',
      version: 1,
      params: { prompt: { text: { 'en-GB': 'Enter your reference', 'cy-GB': 'Rhowch eich cyfeirnod' } }, pattern: '[0-9]{8}' },
    });
    const terminator = screen.getByLabelText('Terminator') as HTMLSelectElement;
    expect([...terminator.options].map((o) => o.textContent)).toEqual(['(default)', '#', '*', '(none)']);
    // The flow is in English and Welsh: both boxes; an English-only flow shows no Welsh box.
    expect(terminator.value).toBe('#');
    fireEvent.change(terminator, { target: { value: '' } });
    expect(params(store).terminator).toBe('');
    fireEvent.change(screen.getByLabelText('Pattern'), { target: { value: '' } });
    expect(params(store)).not.toHaveProperty('pattern');
    fireEvent.change(screen.getByLabelText('Min digits'), { target: { value: '9' } });
    fireEvent.change(screen.getByLabelText('Max digits'), { target: { value: '4' } });
    expect(screen.getByLabelText('Max digits').closest('.field')!.textContent).toMatch(/must be at least minDigits/);
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Ask for the reference' } });
    expect(store.getState().flow.nodes[0]!.name).toBe('Ask for the reference');
  });
});

describe('every node kind in the catalogue', () => {
  it.each(latestDefinitions().map((d) => [d.kind, d] as const))('%s: its settings form renders from its schema, every field labelled', (kind, definition) => {
    const store = createFlowStore({ flowId: 'f', flow: emptyFlow('f', 'F'), revision: 1, diagnosticsDelayMs: 0 });
    const id = store.getState().addNode(kind);
    expect(store.getState().selection.nodes).toEqual([id]);
    const { container } = render(
      <FlowStoreProvider store={store}>
        <Inspector prompts={[]} />
      </FlowStoreProvider>,
    );
    expect(screen.getByRole('heading', { name: definition.ui.label })).toBeTruthy();
    expect(container.querySelector('form.params-form')).toBeTruthy();
    for (const control of container.querySelectorAll('input, select, textarea')) {
      const labelled = control.id !== '' && [...container.querySelectorAll('label')].some((l) => l.htmlFor === control.id);
      expect(labelled || control.hasAttribute('aria-label'), `${kind}: ${control.outerHTML.slice(0, 80)}`).toBe(true);
    }
  });
});

describe('exits in the inspector', () => {
  it('connects and disconnects each exit from a list, without dragging', () => {
    const store = inspect({ id: 'welcome', kind: 'play', version: 1, params: { prompt: { text: { 'en-GB': 'Hello', 'cy-GB': 'Helo' } } } });
    let goodbye = '';
    act(() => {
      goodbye = store.getState().addNode('hangup');
      store.getState().select(['welcome']);
    });
    const exits = screen.getByRole('group', { name: 'Exits' });
    const done = within(exits).getByLabelText('Done') as HTMLSelectElement;
    expect(done.value).toBe('');
    fireEvent.change(done, { target: { value: goodbye } });
    expect(store.getState().flow.edges.map((e) => [e.from, e.outcome, e.to])).toEqual([['welcome', 'done', goodbye]]);
    expect((within(screen.getByRole('group', { name: 'Exits' })).getByLabelText('Done') as HTMLSelectElement).value).toBe(goodbye);
    fireEvent.change(within(screen.getByRole('group', { name: 'Exits' })).getByLabelText('Done'), { target: { value: '' } });
    expect(store.getState().flow.edges).toEqual([]);
  });
});

describe('secrets in an http node (issue 9)', () => {
  it('warns beside a header holding a typed-in key, and inserts a secret by name', async () => {
    const store = inspect(
      { id: 'lookup', kind: 'http', version: 1, params: { url: 'https://api.westshire.gov.uk/fines', headers: { Authorization: 'Bearer sk_live_51HxQ2abc' } } },
      ['en-GB', 'cy-GB'],
      ['COUNCIL_KEY', 'PAY_PIN'],
    );
    expect(await screen.findByText(/looks like a password or key typed into the flow/)).toBeTruthy();
    const header = screen.getByLabelText('Authorization') as HTMLInputElement;
    fireEvent.change(header, { target: { value: 'Bearer ' } });
    fireEvent.change(screen.getByLabelText('Insert a secret into Authorization'), { target: { value: 'COUNCIL_KEY' } });
    expect(params(store).headers).toEqual({ Authorization: 'Bearer {{secret:COUNCIL_KEY}}' });
    expect(screen.getByLabelText(/^Insert a secret into url$/i)).toBeTruthy();
    await act(async () => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(screen.queryByText(/looks like a password or key typed into the flow/)).toBeNull();
  });
});

describe('for a viewer', () => {
  it('shows the settings but every control is disabled and nothing changes', () => {
    const store = inspect({ id: 'welcome', kind: 'play', version: 1, params: { prompt: { text: { 'en-GB': 'Hello' } } } });
    act(() => store.getState().setReadOnly(true));
    const controls = [...document.querySelectorAll<HTMLInputElement>('.inspector input, .inspector select, .inspector textarea')];
    expect(controls.length).toBeGreaterThan(3);
    expect(controls.filter((c) => !c.disabled).map((c) => c.outerHTML.slice(0, 60))).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Start the call here' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Add / })).toBeNull();
  });
});
