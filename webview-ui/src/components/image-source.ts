/**
 * The three ways to pick an image to explain: the host's file dialog, a drop (a URI from the drop's
 * text/uri-list or text/plain), or an image of the interpreted folder (the top images the report
 * lists, by dataset-relative path).
 */
import type { InterpretReport } from '../../../src/shared/report';
import { h } from '../dom';
import { formatNumber } from '../format';
import type { ViewContext } from '../view-context';

/** The first URI of a text/uri-list (RFC 2483: one per line, # starts a comment). */
export function firstUri(text: string): string | undefined {
  return text.split(/\r?\n/).map((line) => line.trim()).find((line) => line.length > 0 && !line.startsWith('#'));
}

export function droppedUri(data: DataTransfer): string | undefined {
  return firstUri(data.getData('text/uri-list')) ?? firstUri(data.getData('text/plain'));
}

interface DatasetImage {
  path: string;
  note: string;
}

/** Distinct top images of every visualised feature, with the feature that picked each. */
export function datasetImages(report: InterpretReport): DatasetImage[] {
  const images = new Map<string, DatasetImage>();
  for (const [key, visual] of Object.entries(report.visuals)) {
    for (const top of visual.topImages) {
      if (!images.has(top.image)) images.set(top.image, { path: top.image, note: `top image of ${key.replace(':', ' #')} (response ${formatNumber(top.response, 2)})` });
    }
  }
  return [...images.values()].sort((a, b) => a.path.localeCompare(b.path, undefined, { numeric: true }));
}

function dropZone(ctx: ViewContext): HTMLElement {
  const status = h('span', { class: 'drop-zone__status', 'aria-live': 'polite' });
  const zone = h('div', { class: 'drop-zone', 'data-testid': 'drop-zone', tabindex: 0, role: 'button', 'aria-label': 'Drop an image file here to explain it' },
    h('strong', null, 'Drop an image here'),
    h('span', { class: 'muted' }, 'from the Explorer (hold Shift while dropping) or your file manager, or click to browse'),
    status,
  );
  zone.addEventListener('dragenter', (event) => {
    event.preventDefault();
    zone.classList.add('drop-zone--over');
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('drop-zone--over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('drop-zone--over');
    const uri = event.dataTransfer ? droppedUri(event.dataTransfer) : undefined;
    if (uri) {
      status.textContent = '';
      ctx.post({ type: 'explainUri', uri });
    } else {
      status.textContent = 'No file path came with this drop: use \u201cChoose image\u2026\u201d instead.';
    }
  });
  zone.addEventListener('click', () => ctx.post({ type: 'pickImage' }));
  zone.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    ctx.post({ type: 'pickImage' });
  });
  return zone;
}

function datasetPicker(report: InterpretReport, ctx: ViewContext): HTMLElement | null {
  const images = datasetImages(report);
  if (images.length === 0) return null;
  const chosen = images.some((image) => image.path === ctx.ui.datasetImage) ? ctx.ui.datasetImage : images[0].path;
  const select = h('vscode-single-select', { combobox: true, filter: 'contains', label: 'Image of the interpreted folder', class: 'dataset-select', 'data-testid': 'dataset-image-select' },
    images.map((image) => h('vscode-option', { value: image.path, description: image.note, selected: image.path === chosen }, image.path)));
  select.addEventListener('change', () => ctx.updateUi({ datasetImage: select.value }));
  const explain = h('vscode-button', { secondary: true, 'data-testid': 'explain-dataset-image' }, 'Explain');
  explain.addEventListener('click', () => {
    if (select.value) ctx.post({ type: 'explainDatasetImage', relPath: select.value });
  });
  return h('div', { class: 'image-source__dataset' },
    h('span', { class: 'image-source__label' }, `or one of ${images.length} top images of the folder`),
    h('div', { class: 'image-source__row' }, select, explain),
  );
}

export function imageSource(ctx: ViewContext): HTMLElement {
  const choose = h('vscode-button', { 'data-testid': 'pick-image' }, 'Choose image\u2026');
  choose.addEventListener('click', () => ctx.post({ type: 'pickImage' }));
  const report = ctx.state.panel.interpretation?.report;
  return h('div', { class: 'image-source' },
    h('div', { class: 'image-source__pick' }, choose),
    dropZone(ctx),
    report ? datasetPicker(report, ctx) : null,
  );
}
