; CD wrong program for sand: in water mode the spout pours a drop of mud instead of water.
; The one changed rule is marked 'CHANGED'. Everything else is environments/sand.sexp.
; sand: drop sand and water; sand piles up, but sand touched by water turns to flowing mud.
;
; Rules (all deterministic):
; - The 2x2 button in the top-left corner shows the mode: sandybrown = sand, blue = water.
;   Clicking it switches the mode.
; - left / right move the gray spout along row 0 (x 2-15). Clicking the spout pours one grain
;   of the current mode onto the cell below it, if that cell was free in the last frame. There
;   can be at most 30 grains, drops and mud in all: when there are 30, nothing is poured.
; - Each tick every dry sand grain falls one cell if the cell below is free; otherwise
;   it rests. "Free" means inside the grid and free in the last frame.
; - Water flows: each tick a drop falls one cell if the cell below is free; otherwise it steps
;   one cell sideways in its flow direction (new drops flow right) if that cell and the cell
;   above it are free; otherwise it turns around (and stays this tick).
; - A dry sand grain with blue water on a neighbouring cell (left, right, above or below) in the
;   last frame turns into brown mud in that tick (without moving). Mud flows like water (flowing
;   right at first), but mud does not wet other sand.
; Scenery: a gray ledge on row 10, x 4-10.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; At most this many grains and drops in all (not drawn).
  (= LIMIT 30)

  ; --- objects -------------------------------------------------------------------------
  (object Button (: wet Bool)
    (map (--> q (Cell (.. q x) (.. q y) (if wet then "blue" else "sandybrown")))
         (list (Position 0 0) (Position 1 0) (Position 0 1) (Position 1 1))))
  (object Grain (Cell 0 0 "sandybrown"))
  ; A liquid drop: blue water, or brown mud.
  (object Drop (: mud Bool) (: flow Number) (Cell 0 0 (if mud then "brown" else "blue")))
  (object Rock (Cell 0 0 "gray"))
  (object Spout (Cell 0 0 "gray"))

  ; --- state ---------------------------------------------------------------------------
  (: button Button)
  (= button (initnext (Button false (Position 0 0)) (prev button)))
  (: spout Spout)
  (= spout (initnext (Spout (Position 8 0)) (prev spout)))
  (: liquids (List Drop))
  (= liquids (initnext (list) ((flowAll))))
  (: sand (List Grain))
  (= sand (initnext (list (Grain (Position 6 3)) (Grain (Position 7 5)) (Grain (Position 12 2)))
                    ((tumbleAll))))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked button) (= button (updateObj button "wet" (! (.. button wet)))))
  ; A drop or grain appears at the clicked free cell; everything else moves as usual.
  (on (& left (> (.. (.. spout origin) x) 2)) (= spout (moveLeft spout)))
  (on right (= spout (moveRightNoCollision spout)))
  ; A grain or drop appears below the clicked spout; everything else moves as usual.
  (on (& (clicked spout) (& (isFreePos (moveDownPos (.. spout origin)))
                            (< (+ (length sand) (length liquids)) LIMIT)))
      (if (.. button wet)
          then (= liquids (addObj ((flowAll)) (Drop true 1 (moveDownPos (.. spout origin)))))  ; CHANGED (one rule): was (Drop false 1 ...)
          else (= sand (addObj ((tumbleAll)) (Grain (moveDownPos (.. spout origin)))))))

  ; --- helpers -------------------------------------------------------------------------
  (= openAt (--> p (& (& (>= (.. p x) 0) (< (.. p x) GRID_SIZE))
                      (& (< (.. p y) GRID_SIZE) (isFreePos p)))))
  (= tumble (--> g (if (openAt (moveDownPos (.. g origin))) then (moveDown g) else g)))
  (= flow (--> d (let (= o (.. d origin))
                      (= side (Position (+ (.. o x) (.. d flow)) (.. o y)))
                      (if (openAt (moveDownPos o)) then (moveDown d)
                          else (if (& (openAt side) (openAt (moveUpPos side)))
                                   then (updateObj d "origin" side)
                                   else (updateObj d "flow" (- 0 (.. d flow))))))))
  ; The cells of last frame's water (not mud), and whether grain g has water beside it.
  (= waterCells (fn () (renderValue (filter (--> d (! (.. d mud))) (prev liquids)))))
  (= touches (--> (g cells) (any (--> p (intersectsPosElems p cells)) (adjPositions (.. g origin)))))
  ; One tick of all liquids (the drops flow; sand beside water joins them as mud) and of all
  ; dry sand (grains beside water leave; the others tumble).
  (= flowAll (fn () (let (= cells ((waterCells)))
                         (addObj (map flow (prev liquids))
                                 (map (--> g (Drop true 1 (.. g origin)))
                                      (filter (--> g (touches g cells)) (prev sand)))))))
  (= tumbleAll (fn () (let (= cells ((waterCells)))
                           (map tumble (filter (--> g (! (touches g cells))) (prev sand))))))

  ; --- scenery -------------------------------------------------------------------------
  (= ledge (map (--> rx (Rock (Position rx 10))) (range 4 11)))
)
