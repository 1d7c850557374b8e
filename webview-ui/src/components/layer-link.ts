/**
 * A layer name the user can click to open its definition in the training code (the host answers
 * with a layerLocation message); the answer is shown next to the link that asked, and always in
 * "source" cells of the layer table.
 */
import { h, linkButton } from '../dom';
import type { LayerLocation } from '../state';
import type { ViewContext } from '../view-context';

const AWAITING = 'layer-location--awaiting';
const PERSISTENT = 'layer-location--persistent';

function showLocation(span: HTMLElement, location: LayerLocation): void {
  span.textContent = location.message || (location.found ? 'found' : 'not found in the workspace');
  span.classList.toggle('layer-location--found', location.found);
  span.classList.toggle('layer-location--missing', !location.found);
  span.title = span.textContent;
}

/** A status span for a layer's location; persistent spans show any answer, others only the one they asked for. */
export function layerLocationSpan(layer: string, ctx: ViewContext, persistent: boolean): HTMLElement {
  const span = h('span', { class: `layer-location${persistent ? ` ${PERSISTENT}` : ''}`, 'data-layer-location': layer, 'aria-live': 'polite' });
  const known = ctx.state.locations.get(layer);
  if (persistent && known) showLocation(span, known);
  return span;
}

export function layerLink(layer: string, ctx: ViewContext, options: { withStatus?: boolean; label?: string } = {}): HTMLElement {
  const status = options.withStatus === false ? undefined : layerLocationSpan(layer, ctx, false);
  const button = linkButton(options.label ?? layer, `Show where layer "${layer}" is defined`, () => {
    if (status) {
      status.classList.add(AWAITING);
      status.textContent = 'looking\u2026';
    }
    ctx.post({ type: 'revealLayer', layer });
  }, { 'data-layer': layer });
  return h('span', { class: 'layer-ref' }, button, status);
}

/** Applies a layerLocation answer to every span on the page that should show it. */
export function updateLayerLocations(root: ParentNode, layer: string, location: LayerLocation): void {
  for (const span of root.querySelectorAll<HTMLElement>('[data-layer-location]')) {
    if (span.dataset.layerLocation !== layer) continue;
    if (!span.classList.contains(PERSISTENT) && !span.classList.contains(AWAITING)) continue;
    span.classList.remove(AWAITING);
    showLocation(span, location);
  }
}
