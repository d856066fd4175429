; CD wrong program for flock: clicking the hawk no longer sends it away; it stays on its perch.
; The one changed rule is marked 'CHANGED'. Everything else is environments/flock.sexp
; (plus the undrawn helper variable kept, which only the trigger reads).
; flock: a flock of birds follows its leader in the wind and scatters from a hawk.
;
; Rules:
; - A hidden wind blows in one of four directions; it starts blowing right. The arrows set
;   it (left, right, up, down). Whenever the wind would carry the yellow leader off the grid,
;   it reverses (at once, also when an arrow points off the grid).
; - Each tick the yellow leader flies one cell with the wind (after this tick's arrow and any
;   reversal), so it never leaves the grid. It ignores the other birds and the hawk.
; - Each tick every white bird, in list order, takes one step: toward where the leader was
;   in the last frame (unitVector: horizontal first on a diagonal), or, while the hawk is
;   perched within squared distance 16 of it, directly away from the hawk (the opposite of the
;   unitVector toward the hawk). Jitter (stochastic): every bird draws uniformChoice (-1 0 1)
;   every tick, and that offset is added along the other axis (vertical when the step is
;   horizontal; horizontal when the step is vertical or zero). A bird stays put instead when
;   the cell it would enter is off the grid or was occupied in the last frame (by any bird,
;   the leader, a perch or the hawk).
; - Clicking one of the three brown perches places the red hawk on it (moving it from any
;   other perch); clicking the hawk sends it away, leaving the perch bare.
; - Drawing order: the leader is drawn over the birds; perches and the hawk over the leader.
(program
  (= GRID_SIZE 20)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Bird (Cell 0 0 "white"))
  (object Leader (Cell 0 0 "yellow"))
  (object Perch (Cell 0 0 "brown"))
  (object Hawk (Cell 0 0 "red"))

  ; --- state ---------------------------------------------------------------------------
  ; The wind (hidden; seen through the leader's flight).
  (: wind Position)
  (= wind (initnext (Position 1 0) (bounce (prev wind))))
  (: birds (List Bird))
  (= birds (initnext (list (Bird (Position 5 12)) (Bird (Position 7 12)) (Bird (Position 6 13))
                           (Bird (Position 4 14)) (Bird (Position 8 14)))
                     (map flutter (prev birds))))
  (: leader Leader)
  (= leader (initnext (Leader (Position 10 9)) (move (prev leader) wind)))
  (: perches (List Perch))
  (= perches (initnext (list (Perch (Position 3 3)) (Perch (Position 16 4)) (Perch (Position 9 16)))
                       (prev perches)))
  ; The hawk: an empty list or one hawk on a perch.
  (: hawk (List Hawk))
  (= hawk (initnext (list) (prev hawk)))
  ; Not drawn; added for the CD trigger: true right after a tick whose click hit the hawk.
  (: kept Bool)
  (= kept (initnext false false))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= wind (bounce (Position -1 0))))
  (on right (= wind (bounce (Position 1 0))))
  (on up (= wind (bounce (Position 0 -1))))
  (on down (= wind (bounce (Position 0 1))))
  ; Clicking a bare perch puts the hawk there; clicking the hawk (on its perch) sends it away.
  ; CHANGED (one rule): was (= hawk (if (clicked hawk) then (list) else (list (Hawk ...))))
  ; (kept only records, for the trigger, that this tick's click was on the hawk.)
  (on (clicked perches)
      (let (= kept (clicked hawk))
           (= hawk (list (Hawk (.. (head (objClicked perches)) origin))))
           true))

  ; --- helpers -------------------------------------------------------------------------
  (= inGrid (--> q (& (& (>= (.. q x) 0) (< (.. q x) GRID_SIZE))
                      (& (>= (.. q y) 0) (< (.. q y) GRID_SIZE)))))
  ; The wind w, reversed if it would carry the leader (where it was in the last frame) off
  ; the grid.
  (= bounce (--> w (if (inGrid (movePos (.. (prev leader) origin) w))
                       then w
                       else (Position (- 0 (.. w x)) (- 0 (.. w y))))))
  (= fleeing (--> bp (& (> (length hawk) 0) (<= (sqdist bp (.. (head hawk) origin)) 16))))
  ; One bird's step for this tick (one draw each).
  (= flutter (--> bd
     (let (= bp (.. bd origin))
          (= way (if (fleeing bp)
                     then (let (= tow (unitVectorObjPos bd (.. (head hawk) origin)))
                               (Position (- 0 (.. tow x)) (- 0 (.. tow y))))
                     else (unitVectorObjPos bd (.. (prev leader) origin))))
          (= jit (uniformChoice (list -1 0 1)))
          (= dest (if (!= (.. way x) 0)
                      then (movePos bp (Position (.. way x) jit))
                      else (movePos bp (Position jit (.. way y)))))
          (if (& (inGrid dest) (isFreePos dest)) then (updateObj bd "origin" dest) else bd))))
)
