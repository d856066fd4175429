; The Autumn standard library, written in Autumn for worldtest from the prose of
; autumn-language.md §5.2 (not copied from any published library). Loaded by
; compile_program(..., stdlib="autumn"): each definition replaces the native entry of the same
; name in the global frame, in this order (§3.1).
;
; Conventions:
; - Only the natives of §5.1 are used, and library functions are called by name, so they are
;   looked up at call time (dynamic scoping, §4.2): a program that redefines a library name
;   changes the library functions that use it, as in the reference (§5.2).
; - Let-locals are exactly the reference's internal names of §5.3 (delta, sign_x, sign_y, xmin,
;   xmax, ymin, ymax, rectPos, prev_elems, curr_elems, filtered_elems, allCheckedPos,
;   filtered_pos, wbound, fr, ret, closestHole, nextRowPos, holes, dir, movedObj). Because `=`
;   assigns to any existing variable of that name (§4.3), a program global or a caller's local
;   with one of these names is overwritten (and, for a global, marked), or raises a type error,
;   exactly as §5.3 describes. No other let-local is used: intermediate values are passed as
;   parameters of helper functions (prefix lib_), which never leak.
; - "copy" results come from updateObj (fresh identity, shared elems, §2.2); everything else
;   returns the very objects it was given (§2.7).

(module
  ; §3.1, §5.2 Constants.
  (= GRID_SIZE 16)
  (= FRAME_RATE 8)
  (= background "black")

  ; ---- Movement (§5.2) ----------------------------------------------------------------------

  ; §5.2 move: a copy of o with origin o.origin + d; no bounds or collision check.
  (= move (--> (o d)
    (updateObj o "origin" (Position (+ (.. (.. o origin) x) (.. d x))
                                    (+ (.. (.. o origin) y) (.. d y))))))

  ; §5.2 moveLeft: move by (-1, 0).
  (= moveLeft (--> o (move o (Position -1 0))))
  ; §5.2 moveRight: move by (1, 0).
  (= moveRight (--> o (move o (Position 1 0))))
  ; §5.2 moveUp: move by (0, -1); up is toward row 0.
  (= moveUp (--> o (move o (Position 0 -1))))
  ; §5.2 moveDown: move by (0, 1).
  (= moveDown (--> o (move o (Position 0 1))))

  ; §5.2 movePos: a new Position p + d.
  (= movePos (--> (p d) (Position (+ (.. p x) (.. d x)) (+ (.. p y) (.. d y)))))
  ; §5.2 moveLeftPos.
  (= moveLeftPos (--> p (movePos p (Position -1 0))))
  ; §5.2 moveRightPos.
  (= moveRightPos (--> p (movePos p (Position 1 0))))
  ; §5.2 moveUpPos.
  (= moveUpPos (--> p (movePos p (Position 0 -1))))
  ; §5.2 moveDownPos.
  (= moveDownPos (--> p (movePos p (Position 0 1))))

  ; Helper of §5.2 moveNoCollision / moveCanCollision: m if (isFreeExcept m ex), else o.
  (= lib_moveIfFree (--> (m o ex) (if (isFreeExcept m ex) then m else o)))
  ; Helper of §5.2 move{Left,Up,Down}NoCollision: m if in bounds and (isFreeExcept m o), else o.
  (= lib_moveIfFreeInBounds (--> (m o)
    (if (& (isWithinBounds m) (isFreeExcept m o)) then m else o)))

  ; §5.2 moveNoCollision: m = (move o (Position dx dy)); m if (isFreeExcept m o), else o.
  ; No bounds check: this can move an object off the grid.
  (= moveNoCollision (--> (o dx dy) (lib_moveIfFree (move o (Position dx dy)) o o)))

  ; §5.2 moveCanCollision: like moveNoCollision, ignoring the cells of both o and o2.
  (= moveCanCollision (--> (o dx dy o2)
    (lib_moveIfFree (move o (Position dx dy)) o (list o o2))))

  ; §5.2 moveLeftNoCollision: the one-step move if within bounds and free except o, else o.
  (= moveLeftNoCollision (--> o (lib_moveIfFreeInBounds (moveLeft o) o)))

  ; Helper of §5.2 moveRightNoCollision, which uses the let-locals wbound, fr, ret (§5.3).
  (= lib_moveRightNoCollision (--> (m o)
    (let (= wbound (isWithinBounds m))
         (= fr (isFreeExcept m o))
         (= ret (if (& wbound fr) then m else o))
         ret)))
  ; §5.2 moveRightNoCollision (§5.3: assigns wbound, fr, ret).
  (= moveRightNoCollision (--> o (lib_moveRightNoCollision (moveRight o) o)))

  ; §5.2 moveUpNoCollision.
  (= moveUpNoCollision (--> o (lib_moveIfFreeInBounds (moveUp o) o)))
  ; §5.2 moveDownNoCollision.
  (= moveDownNoCollision (--> o (lib_moveIfFreeInBounds (moveDown o) o)))

  ; §5.2 nextSolid: the same function as moveDownNoCollision.
  (= nextSolid moveDownNoCollision)

  ; §5.2 rotateNoCollision: rotate is called up to three times, and each call rewrites the
  ; shared Cells in place (§5.1). In bounds: the third rotation's copy (three quarter turns in
  ; total, the free-space test then always passes); otherwise o, turned one quarter turn.
  (= rotateNoCollision (--> o
    (if (& (isWithinBounds (rotate o)) (isFreeExcept (rotate o) o)) then (rotate o) else o)))

  ; ---- Arithmetic (§5.2) --------------------------------------------------------------------

  ; §5.2 abs.
  (= abs (--> x (if (< x 0) then (- x) else x)))
  ; §5.2 sign: -1, 0 or 1.
  (= sign (--> x (if (< x 0) then -1 else (if (> x 0) then 1 else 0))))
  ; §5.2 max: b if a < b, else a.
  (= max (--> (a b) (if (< a b) then b else a)))
  ; §5.2 min: a if a < b, else b.
  (= min (--> (a b) (if (< a b) then a else b)))
  ; §5.2 sum: the fold of + over l, starting from 0.
  (= sum (--> l (foldl (--> (acc x) (+ acc x)) 0 l)))
  ; §5.2 sqdist: (q.x-p.x)^2 + (q.y-p.y)^2 (§5.3: assigns delta).
  (= sqdist (--> (p q)
    (let (= delta (deltaPos p q))
         (+ (* (.. delta x) (.. delta x)) (* (.. delta y) (.. delta y))))))

  ; ---- Positions and vectors (§5.2) ---------------------------------------------------------

  ; §5.2 deltaPos: the Position q - p.
  (= deltaPos (--> (p q) (Position (- (.. q x) (.. p x)) (- (.. q y) (.. p y)))))
  ; §5.2 displacement: the same function as deltaPos.
  (= displacement deltaPos)
  ; §5.2 deltaElem: deltaPos of the position fields of two RenderedElems.
  (= deltaElem (--> (e1 e2) (deltaPos (.. e1 position) (.. e2 position))))
  ; §5.2 deltaObj: deltaPos of the two origins.
  (= deltaObj (--> (o1 o2) (deltaPos (.. o1 origin) (.. o2 origin))))

  ; §5.2 rect: row-major Positions, y from p.y to q.y-1 (outer), x from p.x to q.x-1 (inner)
  ; (§5.3: assigns xmin, xmax, ymin, ymax, rectPos).
  (= rect (--> (p q)
    (let (= xmin (.. p x))
         (= xmax (.. q x))
         (= ymin (.. p y))
         (= ymax (.. q y))
         (= rectPos (concat (map (--> y (map (--> x (Position x y)) (range xmin xmax)))
                                 (range ymin ymax))))
         rectPos)))

  ; §5.2 vcat: the same function as concat.
  (= vcat concat)

  ; ---- Adjacency (§5.2) ---------------------------------------------------------------------

  ; §5.2 adjacentElem: Manhattan distance of two RenderedElems' positions is exactly 1
  ; (§5.3: assigns delta).
  (= adjacentElem (--> (e1 e2)
    (let (= delta (deltaPos (.. e1 position) (.. e2 position)))
         (== (+ (abs (.. delta x)) (abs (.. delta y))) 1))))

  ; §5.2 adjacentPoss: Manhattan distance of p and q is at most k, 0 included
  ; (§5.3: assigns delta).
  (= adjacentPoss (--> (p q k)
    (let (= delta (deltaPos p q))
         (<= (+ (abs (.. delta x)) (abs (.. delta y))) k))))

  ; §5.2 adjacentTwoObjs: adjacentPoss of the two origins.
  (= adjacentTwoObjs (--> (o1 o2 k) (adjacentPoss (.. o1 origin) (.. o2 origin) k)))

  ; §5.2 adjacentPossDiag: |dx| <= 1 and |dy| <= 1, equal positions included
  ; (§5.3: assigns delta).
  (= adjacentPossDiag (--> (p q)
    (let (= delta (deltaPos p q))
         (& (<= (abs (.. delta x)) 1) (<= (abs (.. delta y)) 1)))))

  ; §5.2 adjacentTwoObjsDiag: adjacentPossDiag of the two origins.
  (= adjacentTwoObjsDiag (--> (o1 o2) (adjacentPossDiag (.. o1 origin) (.. o2 origin))))

  ; §5.2 adjacentObjs: the objects o2 of (allObjs), in its order, with (adjacentTwoObjs x o2 k);
  ; when x is a list, with the test holding for some element of x. Includes x itself.
  (= adjacentObjs (--> (x k)
    (filter (--> o2 (if (isList x)
                        then (any (--> o1 (adjacentTwoObjs o1 o2 k)) x)
                        else (adjacentTwoObjs x o2 k)))
            ((allObjs)))))

  ; §5.2 adjacentObjsDiag: the same with the diagonal test.
  (= adjacentObjsDiag (--> x
    (filter (--> o2 (if (isList x)
                        then (any (--> o1 (adjacentTwoObjsDiag o1 o2)) x)
                        else (adjacentTwoObjsDiag x o2)))
            ((allObjs)))))

  ; §5.2 adj: true iff (adjacentTwoObjs o o2 k) for some o2 in objs.
  (= adj (--> (o objs k) (any (--> o2 (adjacentTwoObjs o o2 k)) objs)))

  ; ---- Clicks and directions (§5.2) ---------------------------------------------------------

  ; §5.2 objClicked: the elements o of objs for which (clicked o) holds.
  (= objClicked (--> objs (filter (--> o (clicked o)) objs)))

  ; Helper of §5.2 unitVector / unitVectorObjPos: the sign vector of q - p, horizontal on a
  ; diagonal (§5.3: assigns delta, sign_x, sign_y).
  (= lib_unitVector (--> (p q)
    (let (= delta (deltaPos p q))
         (= sign_x (sign (.. delta x)))
         (= sign_y (sign (.. delta y)))
         (if (& (!= sign_x 0) (!= sign_y 0))
             then (Position sign_x 0)
             else (Position sign_x sign_y)))))

  ; §5.2 unitVector: toward target.origin from o.origin; on a diagonal the horizontal step wins.
  (= unitVector (--> (o target) (lib_unitVector (.. o origin) (.. target origin))))
  ; §5.2 unitVectorObjPos: the same, toward a Position p.
  (= unitVectorObjPos (--> (o p) (lib_unitVector (.. o origin) p)))
  ; §5.2 unitVectorSinglePos: (sign p.x, sign p.y), no diagonal rule
  ; (§5.3: assigns sign_x, sign_y).
  (= unitVectorSinglePos (--> p
    (let (= sign_x (sign (.. p x)))
         (= sign_y (sign (.. p y)))
         (Position sign_x sign_y))))

  ; ---- Nearest (§5.2) -----------------------------------------------------------------------

  ; §5.2 closest: o if objs is empty; otherwise best starts at the first element and every
  ; element c in order (the first included) replaces it unless best is strictly closer to o, so
  ; among ties the last element wins.
  (= closest (--> (o objs)
    (if (== (length objs) 0)
        then o
        else (foldl (--> (best c)
                      (if (< (sqdist (.. best origin) (.. o origin))
                             (sqdist (.. c origin) (.. o origin)))
                          then best else c))
                    (head objs) objs))))

  ; §5.2 closestPos: the same over Positions, from o.origin; o.origin if ps is empty.
  (= closestPos (--> (o ps)
    (if (== (length ps) 0)
        then (.. o origin)
        else (foldl (--> (best c)
                      (if (< (sqdist best (.. o origin)) (sqdist c (.. o origin)))
                          then best else c))
                    (head ps) ps))))

  ; ---- Rendering and overlap (§5.2) ---------------------------------------------------------

  ; §5.2 renderValue: a list gives the concatenation of its elements' renderValue; otherwise
  ; x's render method (an error if x is not an object).
  (= renderValue (--> x (if (isList x) then (concat (map renderValue x)) else ((.. x render)))))

  ; §5.2 intersectsElems: some cell of c1 has the position of some cell of c2 (colours
  ; ignored); false if either list is empty.
  (= intersectsElems (--> (c1 c2)
    (any (--> a (any (--> b (== (.. a position) (.. b position))) c2)) c1)))

  ; §5.2 intersectsPosElems: some cell is at position p.
  (= intersectsPosElems (--> (p cells) (any (--> c (== (.. c position) p)) cells)))

  ; §5.2 intersectsPosPoss: some element of ps is == to p (the element on the left).
  (= intersectsPosPoss (--> (p ps) (any (--> q (== q p)) ps)))

  ; §5.2 intersects: (intersectsElems (renderValue a) (renderValue b)).
  (= intersects (--> (a b) (intersectsElems (renderValue a) (renderValue b))))

  ; §5.2 in: true iff (== x e) for some x in l; the list element is the left operand.
  (= in (--> (e l) (any (--> x (== x e)) l)))

  ; ---- Free space: all read the occupancy of the last frame (§5.2, §3.6) -----------------

  ; §5.2 isFree: every cell of o is at a free position.
  (= isFree (--> o (! (any (--> c (! (isFreePos (.. c position)))) (renderValue o)))))

  ; §5.2 isFreeExcept: the cells of o not `in` the cells of ex (same position AND colour) are
  ; all free (§5.3: assigns prev_elems, curr_elems, filtered_elems).
  (= isFreeExcept (--> (o ex)
    (let (= prev_elems (renderValue ex))
         (= curr_elems (renderValue o))
         (= filtered_elems (filter (--> c (! (in c prev_elems))) curr_elems))
         (! (any (--> c (! (isFreePos (.. c position)))) filtered_elems)))))

  ; §5.2 isFreePosExceptObj: (isFreePos p), or some cell of o is at p.
  (= isFreePosExceptObj (--> (p o) (| (isFreePos p) (intersectsPosElems p (renderValue o)))))

  ; §5.2 isFreeRangeExceptObj: the Positions (x, 0), x in [a, b) (row 0 only, a reference quirk),
  ; not covered by a cell of o, are all free
  ; (§5.3: assigns allCheckedPos, prev_elems, filtered_pos).
  (= isFreeRangeExceptObj (--> (a b o)
    (let (= allCheckedPos (map (--> x (Position x 0)) (range a b)))
         (= prev_elems (renderValue o))
         (= filtered_pos (filter (--> p (! (intersectsPosElems p prev_elems))) allCheckedPos))
         (! (any (--> p (! (isFreePos p))) filtered_pos)))))

  ; ---- Liquid physics (§5.2) ----------------------------------------------------------------

  ; Helper of §5.2 nextLiquid, steps 2-6 (§5.3: assigns nextRowPos, holes).
  (= lib_nextLiquidSpread (--> (o oy)
    (let (= nextRowPos (if (== (+ oy 1) GRID_SIZE)
                           then (list)
                           else (map (--> x (Position x (+ oy 1))) (range 0 GRID_SIZE))))
         (= holes (filter (--> p (& (isFreePos p) (isFreePos (Position (.. p x) oy))))
                          nextRowPos))
         (nextLiquidClosestHole o holes))))

  ; §5.2 nextLiquid: fall if oy != GRID_SIZE - 1 and the moved-down copy (all its cells) is
  ; free; otherwise spread toward the closest hole of the row below.
  (= nextLiquid (--> o
    (if (& (!= (.. (.. o origin) y) (- GRID_SIZE 1)) (isFree (moveDown o)))
        then (moveDown o)
        else (lib_nextLiquidSpread o (.. (.. o origin) y)))))

  ; §5.2 nextLiquidClosestHole, steps 3-6 of nextLiquid: o if there is no hole, otherwise a
  ; step toward the closest one, ties to the later hole (§5.3: assigns closestHole).
  (= nextLiquidClosestHole (--> (o holes)
    (if (== (length holes) 0)
        then o
        else (let (= closestHole (closestPos o holes))
                  (nextLiquidMoveClosestHole o closestHole)))))

  ; §5.2 nextLiquidMoveClosestHole, steps 5-6 of nextLiquid: dir = (sign(h.x - ox), 0),
  ; movedObj = (move o dir); movedObj if (h.x, oy) and movedObj.origin are free and movedObj is
  ; within bounds, else o (§5.3: assigns dir, movedObj).
  (= nextLiquidMoveClosestHole (--> (o h)
    (let (= dir (Position (sign (- (.. h x) (.. (.. o origin) x))) 0))
         (= movedObj (move o dir))
         (if (& (isFreePos (Position (.. h x) (.. (.. o origin) y)))
                (& (isFreePos (.. movedObj origin)) (isWithinBounds movedObj)))
             then movedObj
             else o))))
)
