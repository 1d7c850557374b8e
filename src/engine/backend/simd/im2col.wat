;; im2col, channels first, for the filter gradient of a convolution: row (tap, channel) of the
;; output holds, for every output pixel (image, y, x), the input value that tap met. The input is
;; already padded and channels-first: [channels][batch][paddedHeight][paddedWidth]. Stride 1 copies
;; whole output rows with memory.copy; other strides step through them.
;; Built by scripts/build-wat.mjs into im2col-wasm.ts.
(module
  (import "env" "memory" (memory MEMORY_LIMITS))
  (func (export "im2colChannelsFirst")
    (param $src i32) (param $dst i32)
    (param $channels i32) (param $batch i32) (param $paddedHeight i32) (param $paddedWidth i32)
    (param $outHeight i32) (param $outWidth i32) (param $filterHeight i32) (param $filterWidth i32)
    (param $stride i32) (param $dilation i32)
    (local $kh i32) (local $kw i32) (local $c i32) (local $b i32) (local $y i32) (local $x i32)
    (local $plane i32) (local $from i32) (local $to i32) (local $runBytes i32) (local $step i32)
    (local.set $runBytes (i32.shl (local.get $outWidth) (i32.const 2)))
    (local.set $step (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $to (local.get $dst))
    (local.set $kh (i32.const 0))
    (block $khDone (loop $khLoop
      (br_if $khDone (i32.ge_u (local.get $kh) (local.get $filterHeight)))
      (local.set $kw (i32.const 0))
      (block $kwDone (loop $kwLoop
        (br_if $kwDone (i32.ge_u (local.get $kw) (local.get $filterWidth)))
        (local.set $c (i32.const 0))
        (block $cDone (loop $cLoop
          (br_if $cDone (i32.ge_u (local.get $c) (local.get $channels)))
          (local.set $b (i32.const 0))
          (block $bDone (loop $bLoop
            (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
            ;; byte offset of plane (c, b)
            (local.set $plane (i32.add (local.get $src) (i32.shl
              (i32.mul (i32.add (i32.mul (local.get $c) (local.get $batch)) (local.get $b)) (i32.mul (local.get $paddedHeight) (local.get $paddedWidth)))
              (i32.const 2))))
            (local.set $y (i32.const 0))
            (block $yDone (loop $yLoop
              (br_if $yDone (i32.ge_u (local.get $y) (local.get $outHeight)))
              ;; input row y*stride + kh*dilation, first column kw*dilation
              (local.set $from (i32.add (local.get $plane) (i32.shl (i32.add
                (i32.mul (i32.add (i32.mul (local.get $y) (local.get $stride)) (i32.mul (local.get $kh) (local.get $dilation))) (local.get $paddedWidth))
                (i32.mul (local.get $kw) (local.get $dilation))) (i32.const 2))))
              (if (i32.eq (local.get $stride) (i32.const 1))
                (then (memory.copy (local.get $to) (local.get $from) (local.get $runBytes)))
                (else
                  (local.set $x (i32.const 0))
                  (block $xDone (loop $xLoop
                    (br_if $xDone (i32.ge_u (local.get $x) (local.get $outWidth)))
                    (f32.store (i32.add (local.get $to) (i32.shl (local.get $x) (i32.const 2)))
                      (f32.load (i32.add (local.get $from) (i32.mul (local.get $x) (local.get $step)))))
                    (local.set $x (i32.add (local.get $x) (i32.const 1)))
                    (br $xLoop)))))
              (local.set $to (i32.add (local.get $to) (local.get $runBytes)))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br $yLoop)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $bLoop)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br $cLoop)))
        (local.set $kw (i32.add (local.get $kw) (i32.const 1)))
        (br $kwLoop)))
      (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
      (br $khLoop)))))
