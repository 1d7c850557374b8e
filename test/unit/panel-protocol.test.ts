/**
 * Webview messages are untrusted: parsePanelMessage keeps a message only when every field it needs
 * is there and usable. A path, URI or layer name that is the empty string is not usable (it would
 * resolve to the data folder itself, to nothing, to no layer): the message is dropped.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parsePanelMessage, type PanelToHost } from '../../src/shared/panel-protocol';
import { EVALUATION_KINDS } from '../../src/shared/evaluation';

/** Each kind of message with a text field, a valid example of it, and the field. */
const TEXT_MESSAGES: { message: PanelToHost; field: string }[] = [
  { message: { type: 'explainDatasetImage', relPath: 'cats/001.png' }, field: 'relPath' },
  { message: { type: 'explainUri', uri: 'file:///home/me/cat.png' }, field: 'uri' },
  { message: { type: 'revealLayer', layer: 'conv1' }, field: 'layer' },
];

test('every message kind with a text field: a valid one passes, the same with an empty string is dropped', () => {
  for (const { message, field } of TEXT_MESSAGES) {
    assert.deepEqual(parsePanelMessage(message), message, `${message.type} with a ${field}`);
    assert.equal(parsePanelMessage({ ...message, [field]: '' }), undefined, `${message.type} with an empty ${field}`);
    // Only its length is wrong: one character is enough, 4096 are too many.
    assert.deepEqual(parsePanelMessage({ ...message, [field]: 'a' }), { ...message, [field]: 'a' }, `${message.type} with a one-character ${field}`);
    assert.deepEqual(parsePanelMessage({ ...message, [field]: 'a'.repeat(4095) }), { ...message, [field]: 'a'.repeat(4095) }, `${message.type} with a 4095-character ${field}`);
    assert.equal(parsePanelMessage({ ...message, [field]: 'a'.repeat(4096) }), undefined, `${message.type} with a 4096-character ${field}`);
    assert.equal(parsePanelMessage({ type: message.type }), undefined, `${message.type} without its ${field}`);
  }
});

test('the enumerated fields: an empty string is no view and no evaluation kind', () => {
  assert.equal(parsePanelMessage({ type: 'viewChanged', view: '' }), undefined);
  assert.equal(parsePanelMessage({ type: 'evaluate', kind: '' }), undefined);
  for (const kind of EVALUATION_KINDS) assert.deepEqual(parsePanelMessage({ type: 'evaluate', kind }), { type: 'evaluate', kind });
  for (const view of ['overview', 'classes', 'explain', 'evaluation'] as const) assert.deepEqual(parsePanelMessage({ type: 'viewChanged', view }), { type: 'viewChanged', view });
});

test('an empty or unknown type is dropped; the field-less kinds pass with their extra fields removed', () => {
  assert.equal(parsePanelMessage({ type: '' }), undefined);
  assert.equal(parsePanelMessage({ type: '', relPath: 'cats/001.png' }), undefined);
  for (const type of ['ready', 'alive', 'pickImage', 'rerun', 'cancel', 'exportReport'] as const) {
    assert.deepEqual(parsePanelMessage({ type, relPath: '', extra: 1 }), { type });
  }
});

test('only plain objects are messages: null, strings, arrays of types and functions carrying a type are dropped', () => {
  for (const value of [null, undefined, 'ready', 42, true]) assert.equal(parsePanelMessage(value), undefined, String(value));
  // A function is not an object to typeof, even with a valid type property.
  assert.equal(parsePanelMessage(Object.assign(() => undefined, { type: 'ready' })), undefined);
  assert.deepEqual(parsePanelMessage({ type: 'ready' }), { type: 'ready' });
});
