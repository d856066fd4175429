; CD wrong program for waterplug: the tap pours its drops one cell right of the nozzle, at (8,1).
; The one changed rule is marked 'CHANGED'. Everything else is environments/waterplug.sexp.
; waterplug: pull and push plugs to let water run from vessel to vessel; a tap refills the top.
;
; Rules (all deterministic):
; - Two gray vessels hang one above the other over a gray basin on the floor. Each vessel's
;   floor, and the floor under the basin, has one brown plug.
; - Clicking a plug's cell removes the plug (the cell becomes an opening); clicking the empty
;   opening puts the plug back.
; - Water (blue drops) moves each tick: a drop falls one cell if the cell below was free in the
;   last frame (a drop may fall out of the bottom of the grid through the open floor plug, and
;   is gone). Otherwise it slides one cell in its own hidden direction (right at first) if that
;   cell and the cell above it were free and inside the grid; if not, it turns around. Drops
;   heading right slide (or turn) only on odd ticks (1, 3, ...), drops heading left only on
;   even ticks (a hidden clock).
; - Clicking the tap (top centre) turns it on (green nozzle) or off (red nozzle). While on, it
;   adds a drop below the nozzle on every odd tick, if that cell was free and fewer than 40
;   drops exist.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Drop (: dir Number) (Cell 0 0 "blue"))
  (object Plug (Cell 0 0 "brown"))
  (object Wall (Cell 0 0 "gray"))
  (object Tap (: running Bool)
    (list (Cell -1 0 "gray") (Cell 0 0 (if running then "green" else "red")) (Cell 1 0 "gray")))

  (= PLUGS (list (Position 7 5) (Position 9 10) (Position 8 15)))

  ; --- state ---------------------------------------------------------------------------
  ; The clock (hidden): 0 at the start of odd ticks (1, 3, ...), 1 at the start of even ones.
  (: clock Number)
  (= clock (initnext 0 (- 1 (prev clock))))
  (: tap Tap)
  (= tap (initnext (Tap false (Position 7 0)) (prev tap)))
  (: plugs (List Plug))
  (= plugs (initnext (map (--> pp (Plug pp)) PLUGS) (prev plugs)))
  (: drops (List Drop))
  (= drops (initnext (map (--> dp (Drop 1 dp)) (rect (Position 5 3) (Position 10 5)))
                     (pour (flow (prev drops)))))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked tap) (= tap (updateObj tap "running" (! (.. tap running)))))
  (on (clicked plugs) (= plugs (removeObj plugs (--> rp (clicked rp)))))
  (on (& ((clicked)) (& (in click PLUGS) (isFreePos click)))
      (= plugs (addObj plugs (Plug click))))

  ; --- helpers -------------------------------------------------------------------------
  (= inGrid (--> gp (& (& (>= (.. gp x) 0) (< (.. gp x) GRID_SIZE))
                       (& (>= (.. gp y) 0) (< (.. gp y) GRID_SIZE)))))
  ; One tick of one drop: fall, or slide (on its tick), or turn around.
  (= step (--> sd (let (= sdo (.. sd origin))
                       (= below (moveDownPos sdo))
                       (= side (Position (+ (.. sdo x) (.. sd dir)) (.. sdo y)))
                       (if (isFreePos below)
                           then (moveDown sd)
                           else (if (!= (== (.. sd dir) 1) (== (prev clock) 0))
                                    then sd
                                    else (if (& (inGrid side)
                                                (& (isFreePos side) (isFreePos (moveUpPos side))))
                                             then (updateObj sd "origin" side)
                                             else (updateObj sd "dir" (- 0 (.. sd dir)))))))))
  (= flow (--> fs (filter (--> fd (< (.. (.. fd origin) y) GRID_SIZE)) (map step fs))))
  ; CHANGED (one rule): was the same with (Position 7 1) in both places (the cell below the nozzle)
  (= pour (--> ps (if (& (.. tap running)
                         (& (== (prev clock) 0) (& (isFreePos (Position 8 1)) (< (length ps) 40))))
                      then (addObj ps (Drop 1 (Position 8 1)))
                      else ps)))

  ; --- scenery -------------------------------------------------------------------------
  (= hline (--> (x0 x1 hy) (map (--> hx (Wall (Position hx hy))) (filter (--> fx (! (in (Position fx hy) PLUGS))) (range x0 x1)))))
  (= vline (--> (vx y0 y1) (map (--> vy (Wall (Position vx vy))) (range y0 y1))))
  (= walls (concat (list (hline 4 11 5) (vline 4 2 5) (vline 10 2 5)
                         (hline 6 13 10) (vline 6 7 10) (vline 12 7 10)
                         (hline 0 16 15) (vline 3 12 15) (vline 13 12 15))))
)
