; drift: the arrows push a hidden current that carries every loose block until it is blocked.
;
; Rules (all deterministic):
; - A current with a hidden velocity (vx, vy), each -1, 0 or 1, starts downward (0, 1). Each
;   arrow adds one step in its direction to the velocity and clamps each part to -1..1: left
;   vx - 1, right vx + 1, up vy - 1, down vy + 1. So pressing the opposite arrow stops that
;   part, and pressing right then down makes the current run diagonally.
; - Each tick every yellow (loose) block moves by the velocity if that cell is inside the grid
;   and was free in the last frame; otherwise it stays. (So a row of blocks opens gaps, and
;   blocks pile up against the edges, the gray walls and each other.)
; - Clicking a free cell adds a loose block there. Clicking a block pins it (purple: it never
;   moves, but blocks others) or, if pinned, sets it loose again. In a tick with such a
;   click, no block moves.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Block (: pinned Bool) (Cell 0 0 (if pinned then "purple" else "yellow")))
  (object Wall (Cell 0 0 "gray"))

  ; --- state ---------------------------------------------------------------------------
  ; The current's velocity (not drawn).
  (: vel Position)
  (= vel (initnext (Position 0 1) (prev vel)))
  (: blocks (List Block))
  (= blocks (initnext (list (Block false (Position 2 2)) (Block false (Position 13 3))
                            (Block false (Position 6 9)) (Block false (Position 9 13))
                            (Block true (Position 6 4)))
                      (map carry (prev blocks))))

  ; --- rules ---------------------------------------------------------------------------
  (on left (= vel (push -1 0)))
  (on right (= vel (push 1 0)))
  (on up (= vel (push 0 -1)))
  (on down (= vel (push 0 1)))
  (on (clicked blocks) (= blocks (map flip blocks)))
  (on (& ((clicked)) (isFreePos click)) (= blocks (addObj blocks (Block false click))))

  ; --- helpers -------------------------------------------------------------------------
  (= clamp (--> n (max -1 (min 1 n))))
  (= push (--> (dx dy) (Position (clamp (+ (.. vel x) dx)) (clamp (+ (.. vel y) dy)))))
  (= carry (--> b (if (.. b pinned)
                      then b
                      else (let (= moved (move b vel))
                                (if (& (isWithinBounds moved) (isFree moved)) then moved else b)))))
  (= flip (--> b (if (clicked b) then (updateObj b "pinned" (! (.. b pinned))) else b)))

  ; --- scenery -------------------------------------------------------------------------
  (= walls (concat (list (map (--> wx (Wall (Position wx 5))) (range 3 8))
                         (map (--> wy (Wall (Position 12 wy))) (range 8 13))
                         (list (Wall (Position 4 12)) (Wall (Position 5 12))))))
)
