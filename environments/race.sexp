; race: drive a red car through random traffic on a three-lane road at a speed you cannot see.
;
; Rules:
; - The road has three lanes, columns 7-9, 11-13 and 15-17, between gray edge posts (columns
;   6 and 18) and white lane studs (columns 10 and 14). Posts and studs stand on every fifth
;   row. Cars are 3 wide and 2 tall, pointing up: a nose cell on top of a row of three.
; - The red car sits on rows 21-22 (nose at x + 1, row 21), in the middle lane at first.
;   left / right move it one lane (4 columns); at the road's edge the arrow does nothing.
; - The road scrolls: every (4 - speed) ticks (3, 2 or 1) the posts, the studs and every blue
;   car move down one row, and the distance grows by one. The speed is hidden, 1 at first:
;   up raises it by one (at most 3), down lowers it by one (at least 1). A blue car whose
;   nose scrolls past row 24 is gone.
; - Stochastic: on every scroll one draw of 0..7 is made (after the cars have moved); a draw of
;   0, 1 or 2 puts a new blue car at the top (nose on row 0) of the left, middle or right lane,
;   unless the nose of a car in that lane is still above row 3. At the start three blue cars
;   are on the road.
; - The gold bar on column 22 grows up from row 24 by one cell for every 4 rows of distance;
;   after 100 rows it empties and starts again.
; - Crash: when a blue car overlaps the red car at the end of a tick, an orange wreck is drawn
;   on the red car for that frame. In the next tick every blue car is removed, the distance
;   (and the bar) goes back to 0, the speed back to 1, and the road stands still (the next
;   scroll comes 3 ticks later). The arrows still work in that tick.
; - Clicks do nothing.
(program
  (= GRID_SIZE 25)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Racer (list (Cell 1 0 "red") (Cell 0 1 "red") (Cell 1 1 "red") (Cell 2 1 "red")))
  (object Traffic (list (Cell 1 0 "blue") (Cell 0 1 "blue") (Cell 1 1 "blue") (Cell 2 1 "blue")))
  (object Wreck (list (Cell 1 0 "orange") (Cell 0 1 "orange") (Cell 1 1 "orange")
                      (Cell 2 1 "orange")))
  (object Pip (Cell 0 0 "gold"))
  ; Posts and studs on rows 0, 5, ..., 20 below the origin (its y is the scroll phase 0..4).
  (object Lines (concat (list (map (--> ry (Cell 6 ry "gray")) ROWS)
                              (map (--> ry (Cell 10 ry "white")) ROWS)
                              (map (--> ry (Cell 14 ry "white")) ROWS)
                              (map (--> ry (Cell 18 ry "gray")) ROWS))))

  (= ROWS (list 0 5 10 15 20))
  ; The left column of each lane.
  (= LANES (list 7 11 15))
  (= DRAWS (range 0 8))

  ; --- state ---------------------------------------------------------------------------
  ; Speed (hidden): 1..3.
  (: speed Number)
  (= speed (initnext 1 (prev speed)))
  ; Whether the road scrolls in this tick (hidden).
  (: scroll Bool)
  (= scroll (initnext false (>= (prev clock) (- 3 speed))))
  ; Ticks since the last scroll (hidden).
  (: clock Number)
  (= clock (initnext 0 (if scroll then 0 else (+ (prev clock) 1))))
  ; Rows travelled since the last crash, modulo 100 (shown by the bar, a cell per 4 rows).
  (: distance Number)
  (= distance (initnext 0 (if scroll then (% (+ (prev distance) 1) 100) else (prev distance))))
  (: lines Lines)
  (= lines (initnext (Lines (Position 0 0))
                     (if scroll
                         then (updateObj (prev lines) "origin"
                                         (Position 0 (% (+ (.. (.. (prev lines) origin) y) 1) 5)))
                         else (prev lines))))
  (: pips (List Pip))
  (= pips (initnext (list) (if (== (length (prev pips)) (/ distance 4))
                               then (prev pips)
                               else (bar (/ distance 4)))))
  (: racer Racer)
  (= racer (initnext (Racer (Position 11 21)) (prev racer)))
  (: traffic (List Traffic))
  (= traffic (initnext (list (Traffic (Position 7 4)) (Traffic (Position 15 9))
                             (Traffic (Position 11 13)))
                       (if scroll then (spawn (advance (prev traffic))) else (prev traffic))))
  ; Whether a blue car overlaps the red car in this frame.
  (: crashed Bool)
  (= crashed (initnext false (any hits traffic)))
  (: wreck (List Wreck))
  (= wreck (initnext (list) (if crashed then (list (Wreck (.. racer origin))) else (list))))

  ; --- rules ---------------------------------------------------------------------------
  (on up (= speed (min 3 (+ speed 1))))
  (on down (= speed (max 1 (- speed 1))))
  (on (& left (> (.. (.. racer origin) x) 7)) (= racer (move racer (Position -4 0))))
  (on (& right (< (.. (.. racer origin) x) 15)) (= racer (move racer (Position 4 0))))
  ; The tick after a crash: clear the road and start again.
  (on crashed
      (let (= traffic (list))
           (= distance 0)
           (= speed 1)
           (= clock 0)
           (= scroll false)
           true))

  ; --- helpers -------------------------------------------------------------------------
  ; Two cars of this shape overlap exactly when they share a lane and their rows differ by <= 1.
  (= hits (--> hc (& (== (.. (.. hc origin) x) (.. (.. racer origin) x))
                     (<= (abs (- (.. (.. hc origin) y) (.. (.. racer origin) y))) 1))))
  (= advance (--> ats (filter (--> ac (< (.. (.. ac origin) y) 25)) (map moveDown ats))))
  (= laneFree (--> (fts fx) (! (any (--> fc (& (== (.. (.. fc origin) x) fx)
                                               (< (.. (.. fc origin) y) 3)))
                                    fts))))
  (= spawn (--> sts (let (= pick (uniformChoice DRAWS))
                         (if (& (< pick 3) (laneFree sts (at LANES pick)))
                             then (addObj sts (Traffic (Position (at LANES pick) 0)))
                             else sts))))
  (= bar (--> bn (map (--> bi (Pip (Position 22 (- 24 bi)))) (range 0 bn))))
)
