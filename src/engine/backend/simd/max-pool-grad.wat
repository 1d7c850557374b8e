;; Gradient of a 2x2, stride-2 max pooling (NHWC, float32, channels a multiple of 4), written into
;; the tfjs wasm module's own memory: dx[window] = dy at the window's first maximum, 0 elsewhere.
;; Branch-free with 128-bit SIMD: the scalar version's comparisons are coin flips to a branch
;; predictor. Built by scripts/build-wat.mjs into max-pool-grad-wasm.ts (shared and plain memory).
(module
  (import "env" "memory" (memory MEMORY_LIMITS))
  (func (export "maxPoolGrad2x2")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $height i32) (param $width i32) (param $channels i32)
    (param $outHeight i32) (param $outWidth i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $o i32)
    (local $pixel i32) (local $row i32) (local $top i32) (local $bottom i32) (local $gradRow i32)
    (local $p00 i32) (local $p10 i32) (local $g i32)
    (local $v00 v128) (local $v01 v128) (local $v10 v128) (local $v11 v128) (local $m v128) (local $d v128)
    (local $s1 v128) (local $s2 v128) (local $s3 v128)
    ;; bytes per pixel and per input row
    (local.set $pixel (i32.mul (local.get $channels) (i32.const 4)))
    (local.set $row (i32.mul (local.get $width) (local.get $pixel)))
    (local.set $b (i32.const 0))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $b) (local.get $batch)))
      (local.set $oy (i32.const 0))
      (block $rowsDone (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $oy) (local.get $outHeight)))
        ;; offset of input row 2*oy of image b, shared by x and dx
        (local.set $top (i32.mul (i32.add (i32.mul (local.get $b) (local.get $height)) (i32.shl (local.get $oy) (i32.const 1))) (local.get $row)))
        (local.set $bottom (i32.add (local.get $top) (local.get $row)))
        (local.set $gradRow (i32.add (local.get $dy)
          (i32.mul (i32.add (i32.mul (local.get $b) (local.get $outHeight)) (local.get $oy)) (i32.mul (local.get $outWidth) (local.get $pixel)))))
        (local.set $ox (i32.const 0))
        (block $colsDone (loop $colLoop
          (br_if $colsDone (i32.ge_u (local.get $ox) (local.get $outWidth)))
          (local.set $p00 (i32.add (local.get $top) (i32.mul (i32.shl (local.get $ox) (i32.const 1)) (local.get $pixel))))
          (local.set $p10 (i32.add (local.get $bottom) (i32.mul (i32.shl (local.get $ox) (i32.const 1)) (local.get $pixel))))
          (local.set $g (i32.add (local.get $gradRow) (i32.mul (local.get $ox) (local.get $pixel))))
          (local.set $o (i32.const 0))
          (block $chanDone (loop $chanLoop
            (br_if $chanDone (i32.ge_u (local.get $o) (local.get $pixel)))
            (local.set $v00 (v128.load (i32.add (i32.add (local.get $x) (local.get $p00)) (local.get $o))))
            (local.set $v01 (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $p00)) (local.get $pixel)) (local.get $o))))
            (local.set $v10 (v128.load (i32.add (i32.add (local.get $x) (local.get $p10)) (local.get $o))))
            (local.set $v11 (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $p10)) (local.get $pixel)) (local.get $o))))
            (local.set $d (v128.load (i32.add (local.get $g) (local.get $o))))
            ;; running maximum in row-major window order; strictly greater, so ties keep the first
            (local.set $s1 (f32x4.gt (local.get $v01) (local.get $v00)))
            (local.set $m (v128.bitselect (local.get $v01) (local.get $v00) (local.get $s1)))
            (local.set $s2 (f32x4.gt (local.get $v10) (local.get $m)))
            (local.set $m (v128.bitselect (local.get $v10) (local.get $m) (local.get $s2)))
            (local.set $s3 (f32x4.gt (local.get $v11) (local.get $m)))
            ;; the winner is the last position whose comparison held
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $p00)) (local.get $o))
              (v128.andnot (local.get $d) (v128.or (local.get $s1) (v128.or (local.get $s2) (local.get $s3)))))
            (v128.store (i32.add (i32.add (i32.add (local.get $dx) (local.get $p00)) (local.get $pixel)) (local.get $o))
              (v128.andnot (v128.and (local.get $d) (local.get $s1)) (v128.or (local.get $s2) (local.get $s3))))
            (v128.store (i32.add (i32.add (local.get $dx) (local.get $p10)) (local.get $o))
              (v128.andnot (v128.and (local.get $d) (local.get $s2)) (local.get $s3)))
            (v128.store (i32.add (i32.add (i32.add (local.get $dx) (local.get $p10)) (local.get $pixel)) (local.get $o))
              (v128.and (local.get $d) (local.get $s3)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $chanLoop)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br $colLoop)))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $rowLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $batchLoop)))))
