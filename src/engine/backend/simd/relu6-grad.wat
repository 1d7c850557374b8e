;; Gradient of ReLU6: dx = dy where 0 < x <= 6, else 0 (float32, n values). Branch-free with
;; 128-bit SIMD: a JavaScript loop's comparisons are coin flips to a branch predictor (15 ms for
;; 1.2M values on the threaded module's shared memory). Built by scripts/build-wat.mjs into relu6-grad-wasm.ts.
(module
  (import "env" "memory" (memory MEMORY_LIMITS))
  (func (export "relu6Grad")
    (param $dy i32) (param $x i32) (param $dx i32) (param $n i32)
    (local $i i32) (local $end i32) (local $v v128) (local $xs f32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $i (i32.const 0))
    (block $done (loop $vectors
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
      (v128.store (i32.add (local.get $dx) (local.get $i))
        (v128.and (v128.load (i32.add (local.get $dy) (local.get $i)))
          (v128.and (f32x4.gt (local.get $v) (f32x4.splat (f32.const 0))) (f32x4.le (local.get $v) (f32x4.splat (f32.const 6))))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br $vectors)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $xs (f32.load (i32.add (local.get $x) (local.get $i))))
      (f32.store (i32.add (local.get $dx) (local.get $i))
        (select (f32.load (i32.add (local.get $dy) (local.get $i))) (f32.const 0)
          (i32.and (f32.gt (local.get $xs) (f32.const 0)) (f32.le (local.get $xs) (f32.const 6)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $tail)))))
