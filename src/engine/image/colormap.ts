/**
 * Colormaps for [0,1] maps, as 256-entry LUTs built from published polynomial fits (no data tables):
 * - turbo: Google's improved rainbow (A. Mikhailov, 2019); polynomial by R. Du, Apache-2.0.
 * - inferno: matplotlib's perceptually uniform map; degree-6 fit by M. Zucker, CC0.
 * turbo is the default: it reads like the jet maps in the explanation literature without jet's
 * false edges; inferno is strictly perceptual and survives greyscale printing.
 */
export type ColormapName = 'turbo' | 'inferno';

type Rgb = [number, number, number];

function turbo(x: number): Rgb {
  const x2 = x * x;
  const x3 = x2 * x;
  const x4 = x2 * x2;
  const x5 = x4 * x;
  return [
    0.13572138 + 4.6153926 * x - 42.66032258 * x2 + 132.13108234 * x3 - 152.94239396 * x4 + 59.28637943 * x5,
    0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 + 4.27729857 * x4 + 2.82956604 * x5,
    0.1066733 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 - 89.90310912 * x4 + 27.34824973 * x5,
  ];
}

const INFERNO: readonly Rgb[] = [
  [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
  [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
  [11.60249308247187, -3.972853965665698, -15.9423941062914],
  [-41.70399613139459, 17.43639888205313, 44.35414519872813],
  [77.162935699427, -33.40235894210092, -81.80730925738993],
  [-71.31942824499214, 32.62606426397723, 73.20951985803202],
  [25.13112622477341, -12.24266895238567, -23.07032500287172],
];

function inferno(t: number): Rgb {
  const out: Rgb = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let v = 0;
    for (let k = INFERNO.length - 1; k >= 0; k--) v = v * t + INFERNO[k][c]; // Horner
    out[c] = v;
  }
  return out;
}

const FUNCTIONS: Record<ColormapName, (x: number) => Rgb> = { turbo, inferno };
const luts = new Map<ColormapName, Uint8Array>();

/** 256 x RGB lookup table, built once per map. */
export function colormapLut(name: ColormapName = 'turbo'): Uint8Array {
  let lut = luts.get(name);
  if (!lut) {
    lut = new Uint8Array(256 * 3);
    const f = FUNCTIONS[name];
    for (let i = 0; i < 256; i++) {
      const rgb = f(i / 255);
      for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(Math.min(1, Math.max(0, rgb[c])) * 255);
    }
    luts.set(name, lut);
  }
  return lut;
}

/** [0,1] map -> RGB pixels (HWC). Values outside [0,1] are clamped; NaN draws as 0. */
export function applyColormap(map: Float32Array, name: ColormapName = 'turbo'): Uint8Array {
  const lut = colormapLut(name);
  const out = new Uint8Array(map.length * 3);
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    const k = v > 0 ? (v < 1 ? Math.round(v * 255) : 255) : 0; // NaN fails v > 0
    out[i * 3] = lut[k * 3];
    out[i * 3 + 1] = lut[k * 3 + 1];
    out[i * 3 + 2] = lut[k * 3 + 2];
  }
  return out;
}
