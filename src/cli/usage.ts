import { EXPLANATION_METHODS } from '../shared/params';

/** Method names wrapped to the usage's column. */
const METHOD_NAMES = EXPLANATION_METHODS.map((m) => m.name)
  .join(', ')
  .replace(/(.{1,60})(, |$)/g, '$1,\n                             ')
  .replace(/,\n\s*$/, '');

export const USAGE = `vebi: what an image classifier has learned and why it made a prediction
(Visual Explanation by Interpretation, Oramas et al., ICLR 2019)

Usage:
  vebi interpret --model M --data DIR --out DIR [options]
      Finds each class's relevant internal features on a labelled folder (one sub-folder per
      class) and writes a report folder: report.json, PNGs, index.html.
        --mu N               L1 budget per class (default 10)
        --top-k N            images per feature visualisation (default 16)
        --labels gt|predicted  fit to folder labels or to the model's predictions (default gt)
        --batch-size N       images per forward pass (default 64)
        --preprocessing P    unit | raw | symmetric | meanstd:m1,m2,m3:s1,s2,s3
                             (default: vebi.json next to the model, else unit = x/255)
        --on-bad-file skip|fail  unreadable images are skipped and listed (default) or fatal
        --no-l2              do not L2-normalise feature vectors
        --layers a,b,c       take features only from these layers (default: all)

  vebi explain --model M --image IMG --out DIR [--report DIR] [options]
      Explains one prediction by its top relevant features, each heatmap beside what the
      feature has learned. Without --report, uses the latest cached interpretation of M.
        --features N         features per explanation (default 3)
        --no-strided-fix     plain guided backprop through strided convolutions
        --method NAME        another explanation method instead of VEBI, for comparison:
                             ${METHOD_NAMES}

  vebi eval ablation|localization|sanity|compare --model M ... --out DIR
      Objective checks of the explanations: accuracy when the relevant features are zeroed
      (vs random ones), IoU with ground-truth masks for every method, and explanations under
      cascading weight randomisation, and every method on one image side by side.
      "vebi eval --help" lists each one's options.

  vebi dataset flowers --out DIR [--variant single-6c|double-12c] [--per-class N] [--size S] [--seed X]
      Draws synthetic flowers whose class is fixed by the colour of one part (or two), with
      ground-truth masks of those parts, for "vebi eval localization".

M is a TensorFlow.js model.json (or its folder), a Keras model file (.keras, .h5) or an ONNX model (.onnx).

Common options:
  --backend auto|tensorflow|wasm|cpu   (default auto: tfjs-node, else wasm, else cpu)
  --cache-dir DIR | --no-cache         result cache (default ~/.cache/vebi)
  --json                               print the output folder as JSON

Exit codes: 0 ok, 1 internal error, 2 bad arguments, 3 bad input (model, data, image,
report), 4 backend unavailable, 130 cancelled (nothing is written).
`;
