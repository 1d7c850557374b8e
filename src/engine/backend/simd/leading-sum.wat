;; Sum over every axis but the last (a bias gradient), float32 [rows][channels] with channels a
;; multiple of 4: block b's sums (rows [b * blockRows, (b + 1) * blockRows)) go to partials[b][channels],
;; so each float32 sum has at most blockRows terms; the caller adds the blocks in float64. Within a block, one
;; channel group of 4 at a time walks down the rows (the block stays in L1 across groups).
;; wasm's own Sum transposes the whole input first. Built by scripts/build-wat.mjs into leading-sum-wasm.ts.
(module
  (import "env" "memory" (memory MEMORY_LIMITS))
  (func (export "sumLeadingAxes")
    (param $x i32) (param $rows i32) (param $channels i32) (param $blockRows i32) (param $partials i32)
    (local $stride i32) (local $r0 i32) (local $r1 i32) (local $g i32) (local $p i32) (local $end i32)
    (local $out i32) (local $acc v128)
    (local.set $stride (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $out (local.get $partials))
    (local.set $r0 (i32.const 0))
    (block $blocksDone (loop $blockLoop
      (br_if $blocksDone (i32.ge_u (local.get $r0) (local.get $rows)))
      (local.set $r1 (i32.add (local.get $r0) (local.get $blockRows)))
      (if (i32.gt_u (local.get $r1) (local.get $rows)) (then (local.set $r1 (local.get $rows))))
      (local.set $g (i32.const 0))
      (block $groupsDone (loop $groupLoop
        (br_if $groupsDone (i32.ge_u (local.get $g) (local.get $stride)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (i32.add (local.get $x) (i32.mul (local.get $r0) (local.get $stride))) (local.get $g)))
        (local.set $end (i32.add (i32.add (local.get $x) (i32.mul (local.get $r1) (local.get $stride))) (local.get $g)))
        (block $rowsDone (loop $rowLoop
          (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (local.get $stride)))
          (br $rowLoop)))
        (v128.store (i32.add (local.get $out) (local.get $g)) (local.get $acc))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $groupLoop)))
      (local.set $out (i32.add (local.get $out) (local.get $stride)))
      (local.set $r0 (local.get $r1))
      (br $blockLoop)))))
