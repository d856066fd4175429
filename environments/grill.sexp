; grill: a gas grill whose fire cooks meat that you eat to keep your health bar up.
;
; Rules:
; - The fire starts lit at valve level 1, with one raw piece of meat on the grate.
; - Clicking the knob (1 cell, left, row 13) toggles the fire: it goes out if lit, and lights
;   if the gas tank is not empty. The knob is red while the fire is lit, white while it is out.
; - up / down open / close the gas valve one level (1-3, starts at 1), lit or not. The level
;   is drawn only while the fire burns: orange flames rise from the burner (row 13) one row per
;   level (rows 12, 11, 10).
; - The gas tank (column 1, rows 3-10) holds 48 units, drawn as 8 cells of 6 units each (blue
;   = gas, lightblue = empty, filled from the bottom; a cell is blue while the gas is above its
;   mark). Each tick that starts with the fire lit (as in the last frame) burns as many units
;   as the valve level, down to 0; when the tank is empty the fire goes out in that tick.
;   Clicking the tank refills it to 48 (that tick burns nothing).
; - Clicking the meat tray (two pink cells, right, row 8) puts a raw piece of meat on the
;   leftmost cell above the grate (row 8, x 4-11) that was free in the last frame; nothing
;   happens when all eight are taken.
; - Each tick that starts with the fire lit, every piece of meat takes as many units of heat as
;   the valve level, plus 2 if the flames were flaring in the last frame, up to 36. Its colour
;   shows the heat: pink (raw) below 12, brown (cooked) from 12, darkgray (burnt) at 36. Meat
;   never cools.
; - Flare-ups: each tick that ends with the fire lit and did not start with a flare-up, a
;   random draw (1 in 10) starts one; the flames are yellow for 4 frames (the draw's frame and
;   3 more), then orange again. A flare-up ends when the fire goes out. Stochastic: one
;   uniformChoice per such tick.
; - Clicking a piece of meat eats it: the health bar (row 0, green from the left, 0-16, starts
;   at 8) grows by 2 for cooked meat, and shrinks by 1 for raw meat and by 2 for burnt meat.
; - left and right do nothing.
(program
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)

  ; --- objects -------------------------------------------------------------------------
  (object Tank (: fuel Number)
    (map (--> i (Cell 0 i (if (> fuel (* 6 (- 7 i))) then "blue" else "lightblue"))) (range 0 8)))
  (object Knob (: turned Bool) (Cell 0 0 (if turned then "red" else "white")))
  ; Three rows of flames; row j (0 top) shows when the fire burns at a level above 2 - j.
  (object Flames (: burning Bool) (: surge Bool) (: height Number)
    (map (--> q (Cell (.. q x) (.. q y)
                      (if (& burning (> height (- 2 (.. q y))))
                          then (if surge then "yellow" else "orange")
                          else "black")))
         (rect (Position 0 0) (Position 8 3))))
  (object Meat (: heat Number)
    (Cell 0 0 (if (< heat 12) then "pink" else (if (< heat 36) then "brown" else "darkgray"))))
  (object Health (: hp Number)
    (map (--> i (Cell i 0 (if (< i hp) then "green" else "black"))) (range 0 16)))
  (object Iron (Cell 0 0 "gray"))
  (object Tray (list (Cell 0 0 "pink") (Cell 1 0 "pink")))

  ; One in ten.
  (= DICE (range 0 10))
  ; The places for meat, above the grate, left to right.
  (= SPOTS (map (--> sx (Position sx 8)) (range 4 12)))

  ; --- state ---------------------------------------------------------------------------
  ; The valve level, 1-3 (seen only through the flames, the gas and the cooking speed).
  (: valve Number)
  (= valve (initnext 1 (prev valve)))
  (: tank Tank)
  (= tank (initnext (Tank 48 (Position 1 3))
                    (if (prev lit)
                        then (updateObj (prev tank) "fuel" (max 0 (- (.. (prev tank) fuel) (prev valve))))
                        else (prev tank))))
  ; Whether the fire burns (seen through the knob and the flames).
  (: lit Bool)
  (= lit (initnext true (& lit (> (.. tank fuel) 0))))
  ; Ticks of flare-up left (not drawn as a number; the flames turn yellow).
  (: flare Number)
  (= flare (initnext 0 (if lit
                           then (if (> (prev flare) 0)
                                    then (- (prev flare) 1)
                                    else (if (== (uniformChoice DICE) 0) then 4 else 0))
                           else 0)))
  (: meats (List Meat))
  (= meats (initnext (list (Meat 0 (Position 4 8))) (map sizzleIfLit (prev meats))))
  (: health Health)
  (= health (initnext (Health 8 (Position 0 0)) (prev health)))
  (: knob Knob)
  (= knob (initnext (Knob true (Position 1 13)) (updateObj (prev knob) "turned" lit)))
  (: flames Flames)
  (= flames (initnext (Flames true false 1 (Position 4 10))
                      (updateObj (updateObj (updateObj (prev flames) "burning" lit)
                                            "surge" (> flare 0))
                                 "height" valve)))

  ; --- rules ---------------------------------------------------------------------------
  (on (clicked knob) (= lit (if lit then false else (> (.. tank fuel) 0))))
  (on up (= valve (min 3 (+ valve 1))))
  (on down (= valve (max 1 (- valve 1))))
  (on (clicked tank) (= tank (updateObj tank "fuel" 48)))
  ; Eating: the clicked piece leaves the grill and changes the health bar.
  (on (clicked meats)
      (let (= bite (head (filter (--> m (clicked m)) meats)))
           (= health (updateObj health "hp" (min 16 (max 0 (+ (.. health hp) (taste bite))))))
           (= meats (map sizzleIfLit (removeObj (prev meats) (--> m (clicked m)))))
           true))
  ; A click on the tray puts raw meat on the leftmost free spot above the grate.
  (on (& (clicked tray) (any isFreePos SPOTS))
      (= meats (addObj (map sizzleIfLit (prev meats)) (Meat 0 (head (filter isFreePos SPOTS))))))

  ; --- helpers -------------------------------------------------------------------------
  ; Cooking reads the fire and the valve as they were in the last frame.
  (= sizzleIfLit (--> m (if (prev lit)
                            then (updateObj m "heat"
                                   (min 36 (+ (.. m heat)
                                              (+ (prev valve) (if (> (prev flare) 0) then 2 else 0)))))
                            else m)))
  (= taste (--> m (if (< (.. m heat) 12) then -1 else (if (< (.. m heat) 36) then 2 else -2))))

  ; --- scenery: the grate, the burner and the legs -------------------------------------
  (= tray (Tray (Position 13 8)))
  (= grate (map (--> gx (Iron (Position gx 9))) (range 4 12)))
  (= burner (map (--> gx (Iron (Position gx 13))) (range 4 12)))
  (= legs (list (Iron (Position 4 14)) (Iron (Position 4 15))
                (Iron (Position 11 14)) (Iron (Position 11 15))))
)
