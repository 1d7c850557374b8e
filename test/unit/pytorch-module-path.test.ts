/**
 * PyTorch module paths (how ONNX exports name layers) found in training code: attributes, the
 * entries of nn.Sequential / nn.ModuleList (nested too), with comments and strings in the way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeFile, searchLayer } from '../../src/extension/layer-search';
import { findModuleInText, modulePathSegments } from '../../src/extension/pytorch-module-path';

const NET = `import torch
from torch import nn


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)  # first
        self.bn1 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=True)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3),  # features.0, a comment with, commas (and brackets]
            nn.ReLU(),
            nn.MaxPool2d(2, stride=2),
            nn.Sequential(nn.Conv2d(16, 32, kernel_size=(3, 3)), nn.ReLU()),
            Block(32),
        )
        self.blocks = nn.ModuleList([Block(32) for _ in range(2)])
        self.head: nn.Module = torch.nn.Sequential(nn.Flatten(), nn.Dropout(p=0.5), nn.Linear(32 * 5 * 5, 10))
        label = "not, a, list"
        self.classifier = nn.Sequential(
            nn.Linear(10, 10),
        )

    def forward(self, x):
        if x == None:
            return x
        return self.head(self.features(x))
`;

/** The text at a found location (the start of the definition), for readable asserts. */
function at(layer: string): { text: string; resolved: string; line: number } | undefined {
  const found = findModuleInText(NET, layer);
  if (!found) return undefined;
  return { text: NET.slice(found.offset, found.offset + found.length), resolved: found.resolved, line: NET.slice(0, found.offset).split('\n').length };
}

test('attributes are found by their assignment, the last attribute of the path first', () => {
  assert.deepEqual(at('conv1'), { text: 'conv1', resolved: 'conv1', line: 8 });
  assert.deepEqual(at('layer1.0.conv1'), { text: 'conv1', resolved: 'layer1.0.conv1', line: 8 });
  assert.deepEqual(at('blocks.1.bn1'), { text: 'bn1', resolved: 'blocks.1.bn1', line: 9 });
  assert.deepEqual(at('features'), { text: 'features', resolved: 'features', line: 16 });
});

test('an index is the entry of the Sequential it was assigned, nested Sequentials followed', () => {
  assert.deepEqual(at('features.0'), { text: 'nn.Conv2d', resolved: 'features.0', line: 17 });
  assert.deepEqual(at('features.1'), { text: 'nn.ReLU', resolved: 'features.1', line: 18 });
  assert.deepEqual(at('features.2'), { text: 'nn.MaxPool2d', resolved: 'features.2', line: 19 });
  assert.deepEqual(at('features.3'), { text: 'nn.Sequential', resolved: 'features.3', line: 20 });
  assert.deepEqual(at('features.3.1'), { text: 'nn.ReLU', resolved: 'features.3.1', line: 20 });
  assert.deepEqual(at('features.4'), { text: 'Block', resolved: 'features.4', line: 21 });
  // A typed assignment and a dotted torch.nn.Sequential; entries after calls with keyword arguments.
  assert.deepEqual(at('head.2'), { text: 'nn.Linear', resolved: 'head.2', line: 24 });
  assert.deepEqual(at('head.1'), { text: 'nn.Dropout', resolved: 'head.1', line: 24 });
  assert.deepEqual(at('classifier.0'), { text: 'nn.Linear', resolved: 'classifier.0', line: 27 });
});

test('a path deeper than the text goes resolves as far as it can', () => {
  // Index past the end, or an index into something that is not a list: the container itself.
  assert.deepEqual(at('features.9'), { text: 'features', resolved: 'features', line: 16 });
  assert.deepEqual(at('features.0.0'), { text: 'nn.Conv2d', resolved: 'features.0', line: 17 });
  // A ModuleList built by a comprehension has one entry in the text.
  assert.deepEqual(at('blocks.0'), { text: 'Block', resolved: 'blocks.0', line: 23 });
  assert.deepEqual(at('blocks.1'), { text: 'blocks', resolved: 'blocks', line: 23 });
});

test("VEBI's _2 suffix for a module's second layer is dropped only when the suffixed name is not there", () => {
  assert.deepEqual(at('features.3.1_2'), { text: 'nn.ReLU', resolved: 'features.3.1', line: 20 });
  assert.deepEqual(at('relu_2'), { text: 'relu', resolved: 'relu', line: 10 });
  const own = 'self.conv_2 = nn.Conv2d(1, 1, 1)\nself.conv = nn.Conv2d(1, 1, 1)\n';
  assert.equal(findModuleInText(own, 'conv_2')?.offset, 5);
});

test('comparisons, unknown names and names that are not module paths are not found', () => {
  assert.equal(at('x'), undefined, '"x == None" is not an assignment');
  assert.equal(at('missing.3'), undefined);
  assert.equal(at('Conv_7'), undefined);
  for (const name of ['', '3.conv', 'a..b', 'a/b', 'a-b', 'conv 1']) assert.equal(modulePathSegments(name), undefined, name);
  assert.deepEqual(modulePathSegments('layer1.0.conv1'), ['layer1', '0', 'conv1']);
  assert.deepEqual(modulePathSegments('_private.10'), ['_private', '10']);
});

test('strings and comments holding brackets or commas do not shift the entries', () => {
  const text = `self.seq = nn.Sequential(
    Named("a, (b"),  # ) ] , still a comment
    nn.Identity(),
    nn.Conv2d(1, 1, 1, bias='''x,
    )'''),
    nn.ReLU(),
)
`;
  const entry = (index: number) => {
    const found = findModuleInText(text, `seq.${index}`);
    return found && text.slice(found.offset, found.offset + found.length);
  };
  assert.deepEqual([0, 1, 2, 3].map(entry), ['Named', 'nn.Identity', 'nn.Conv2d', 'nn.ReLU']);
  assert.equal(findModuleInText(text, 'seq.4')?.resolved, 'seq');
  assert.equal(findModuleInText('self.seq = nn.Sequential(nn.ReLU(),', 'seq.0')?.resolved, 'seq', 'an unclosed call has no entries');
});

test('searchLayer: a PyTorch module path opens its definition in a script or a notebook, the deepest match first', () => {
  const script = codeFile('/ws/net.py', NET);
  const notebook = codeFile('/ws/explore.ipynb', JSON.stringify({ cells: [{ cell_type: 'markdown', source: ['# features.3'] }, { cell_type: 'code', source: ['from torch import nn\n', 'self.features = nn.Sequential(nn.ReLU())\n'] }] }));
  const found = (files: ReturnType<typeof codeFile>[], layer: string) => {
    const result = searchLayer(files, layer);
    return result.kind === 'found' ? { file: result.match.file, cell: result.match.cell, line: result.match.line, how: result.match.how, resolved: result.match.resolved } : result.kind;
  };
  assert.deepEqual(found([script], 'features.3.1'), { file: '/ws/net.py', cell: undefined, line: 19, how: 'module', resolved: 'features.3.1' });
  // The notebook's Sequential has one entry: the script resolves features.3 deeper, wherever it comes.
  assert.deepEqual(found([notebook, script], 'features.3'), { file: '/ws/net.py', cell: undefined, line: 19, how: 'module', resolved: 'features.3' });
  assert.deepEqual(found([notebook], 'features.0'), { file: '/ws/explore.ipynb', cell: 1, line: 1, how: 'module', resolved: 'features.0' });
  // A plain attribute name is an explicit name (self.conv1 = ...).
  assert.deepEqual(found([script], 'conv1'), { file: '/ws/net.py', cell: undefined, line: 7, how: 'name', resolved: undefined });
  // Not in Python: a .ts file's text is not searched for module paths.
  assert.equal(found([codeFile('/ws/net.ts', NET)], 'features.3'), 'none');
  const none = searchLayer([script], 'backbone.7');
  assert.equal(none.kind, 'none');
  assert.match(none.kind === 'none' ? none.reason : '', /^"backbone\.7" is not written in the workspace's code, and no self\.<attribute> = \.\.\. or nn\.Sequential entry there matches this PyTorch module path/);
});
