; CD wrong program for magnets: the force reaches across 6 empty cells, not 5.
; The one changed rule is marked 'CHANGED'. Everything else is environments/magnets.sexp.
; magnets: a magnet you hold and a free magnet that it attracts or repels.
;
; Rules (all deterministic):
; - Each magnet is two cells, a red pole and a blue pole side by side. The held magnet also has
;   a gray grip on top; the arrows move it one cell, unless a cell would leave the grid or land
;   on the free magnet.
; - Clicking a magnet flips its polarity (its two pole colours swap). A clicked free magnet does
;   not move in that tick.
; - Each tick, if the free magnet is on the same row as the held one and the gap between them
;   is at most 5 empty cells, the two facing poles act on the free magnet: different colours
;   attract (it steps one cell toward the held magnet, until they touch), equal colours repel
;   (it steps one cell away). It does not step out of the grid, onto an occupied cell, or onto
;   the held magnet's new cells. Otherwise it stays.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; The reach of the force, in empty cells between the magnets (not drawn).
  (= RANGE 6)  ; CHANGED (one rule): was (= RANGE 5)

  ; --- objects -------------------------------------------------------------------------
  ; flip false: red pole on the left, blue on the right; flip true: the other way round.
  (object Hand (: flip Bool)
    (list (Cell 0 0 (if flip then "blue" else "red")) (Cell 1 0 (if flip then "red" else "blue"))
          (Cell 0 -1 "gray") (Cell 1 -1 "gray")))
  ; `gap` (the gap seen this tick, 99 when not on the same row) and `moved` are not drawn.
  (object Magnet (: flip Bool) (: gap Number) (: moved Bool)
    (list (Cell 0 0 (if flip then "blue" else "red")) (Cell 1 0 (if flip then "red" else "blue"))))

  ; --- state ---------------------------------------------------------------------------
  (: hand Hand)
  (= hand (initnext (Hand false (Position 2 8)) (prev hand)))
  (: free Magnet)
  (= free (initnext (Magnet false 99 false (Position 9 8)) (react (prev free))))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= hand (shifted hand -1 0)))
  (on right (= hand (shifted hand 1 0)))
  (on up (= hand (shifted hand 0 -1)))
  (on down (= hand (shifted hand 0 1)))
  (on (clicked hand) (= hand (updateObj hand "flip" (! (.. hand flip)))))
  (on (clicked free)
      (= free (updateObj (updateObj free "flip" (! (.. free flip))) "moved" false)))

  ; --- helpers -------------------------------------------------------------------------
  ; The held magnet moved by (dx, dy), if every cell stays in the grid and was free or its own.
  (= shifted (--> (h dx dy)
     (let (= m (move h (Position dx dy)))
          (if (& (isWithinBounds m)
                 (! (any (--> e (! (isFreePosExceptObj (.. e position) h))) (renderValue m))))
              then m
              else h))))
  ; One tick of the free magnet f under the held magnet `hand` (as it is after this tick's input).
  (= react (--> f
     (let (= fx (.. (.. f origin) x))
          (= fy (.. (.. f origin) y))
          (= hx (.. (.. hand origin) x))
          (= level (== fy (.. (.. hand origin) y)))
          (= toward (if (< hx fx) then -1 else 1))
          (= span (if (< hx fx) then (- fx (+ hx 2)) else (- hx (+ fx 2))))
          (= pull (== (.. f flip) (.. hand flip)))
          (= way (if pull then toward else (- 0 toward)))
          (= tx (if (< way 0) then (- fx 1) else (+ fx 2)))
          (= go (& (& level (<= span RANGE))
                   (& (! (& pull (== span 0)))
                      (& (& (>= tx 0) (< tx GRID_SIZE))
                         (& (isFreePos (Position tx fy)) (| (< tx hx) (> tx (+ hx 1))))))))
          (= seen (updateObj (updateObj f "gap" (if level then span else 99)) "moved" go))
          (if go then (move seen (Position way 0)) else seen))))
)
