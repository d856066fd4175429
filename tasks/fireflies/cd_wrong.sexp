; CD wrong program for fireflies: a clicked firefly blinks at once (phase 0), instead of going dark.
; The one changed rule is marked 'CHANGED'. Everything else is environments/fireflies.sexp.
; fireflies: wandering fireflies that blink on hidden phase counters and fall into step.
;
; Rules:
; - Each firefly has a hidden phase (0..5). It is drawn yellow in a tick when it blinks and
;   darkgreen otherwise.
; - Each tick every firefly's phase goes up by 1, and by 1 more if another firefly within 3
;   cells (in both x and y) blinked in the last frame. A firefly whose phase reaches 6 or more
;   blinks in this tick and its phase restarts at 0. (Alone, a firefly blinks every 6 ticks;
;   neighbours pull each other into step.)
; - Each tick every firefly moves to a random cell among its own cell and the in-grid
;   4-neighbours that were free in the last frame (uniformChoice, in the order left, right, up,
;   down, then its own cell). Two fireflies may step onto the same cell; the later one (added
;   later) is drawn on top.
; - Clicking a firefly resets its phase: it takes its step as usual but is dark, with phase 0,
;   in that tick.
; - Clicking a free cell adds a dark firefly with phase 0 there (it does not move in that tick;
;   the others do), while there are fewer than 10. Arrows do nothing.
; Stochastic: one draw per firefly per tick.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Fly (: phase Number) (: lit Bool) (Cell 0 0 (if lit then "yellow" else "darkgreen")))

  (= PERIOD 6)
  (= REACH 3)
  (= MOST 10)

  ; --- state ---------------------------------------------------------------------------
  (: flies (List Fly))
  (= flies (initnext (list (Fly 0 false (Position 5 5)) (Fly 1 false (Position 9 4))
                           (Fly 2 false (Position 12 7)) (Fly 3 false (Position 6 10))
                           (Fly 4 false (Position 10 11)))
                     (stepAll (prev flies))))

  ; --- rules ---------------------------------------------------------------------------
  ; Clicking a firefly: every firefly steps, then the clicked one is reset.
  (on (clicked flies)
      (= flies (let (= lits (blinkers (prev flies)))
                    (map (--> cf (let (= moved (stepFly cf lits))
                                      ; CHANGED (one rule): was (if (clicked cf) then (reset moved) else moved)))
                                      (if (clicked cf) then (updateObj (reset moved) "lit" true) else moved)))
                         (prev flies)))))
  ; Clicking a free cell adds a firefly there (the others step as usual).
  (on (& ((clicked)) (& (isFreePos click) (< (length (prev flies)) MOST)))
      (= flies (addObj (stepAll (prev flies)) (Fly 0 false click))))

  ; --- helpers -------------------------------------------------------------------------
  ; One tick of every firefly.
  (= stepAll (--> sa (let (= lits (blinkers sa)) (map (--> sf (stepFly sf lits)) sa))))
  ; The origins of the fireflies that blink in a list.
  (= blinkers (--> bl (map (--> bf (.. bf origin)) (filter (--> bf (.. bf lit)) bl))))
  ; One tick of a firefly: its phase (nudged by a neighbour's blink in ls), then a random step.
  (= stepFly (--> (f ls)
     (let (= up2 (+ (+ (.. f phase) 1) (if (nudged f ls) then 1 else 0)))
          (= spots (concat (list (filter isFreePos (adjPositions (.. f origin)))
                                 (list (.. f origin)))))
          (Fly (if (>= up2 PERIOD) then 0 else up2) (>= up2 PERIOD) (uniformChoice spots)))))
  ; Whether another firefly within REACH cells of f blinked in the last frame (ls: where).
  (= nudged (--> (f ls)
     (any (--> o (let (= odx (- (.. o x) (.. (.. f origin) x)))
                      (= ody (- (.. o y) (.. (.. f origin) y)))
                      (& (<= (abs odx) REACH)
                         (& (<= (abs ody) REACH) (| (!= odx 0) (!= ody 0))))))
          ls)))
  (= reset (--> rf (updateObj (updateObj rf "phase" 0) "lit" false)))
)
