/**
 * A tiny element builder. Text always goes through text nodes and attributes through
 * setAttribute, so strings from a report can never become markup. Inline `style` attributes are
 * refused: the webview's CSP blocks them; use classes or element.style (CSSOM) instead.
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined>;

const SVG_NS = 'http://www.w3.org/2000/svg';

function setAttrs(el: Element, attrs: Attrs | null | undefined): void {
  if (!attrs) return;
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'style') throw new Error('Inline style attributes break the CSP: use a class or element.style.');
    if (value === undefined || value === null || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

function append(el: Element, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child as readonly Child[]);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** An HTML (or vscode-elements) element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element (charts). */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** A button that looks like a link (layer names, class names): an action, not navigation. */
export function linkButton(label: string, title: string, action: () => void, attrs?: Attrs): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'link-button', title, ...attrs }, label);
  button.addEventListener('click', (event) => {
    event.preventDefault();
    action();
  });
  return button;
}
