"""The Autumn language: read -> parse -> compile -> run (``autumn-language.md``).

    >>> from worldtest.autumn import compile_program
    >>> world = compile_program('(program (= GRID_SIZE 2) (object D (Cell 0 0 "red")) '
    ...                         '(: d D) (= d (initnext (D (Position 0 0)) (prev d))))').start(42)
    >>> world.grid()
    [['red', 'black'], ['black', 'black']]
"""

from worldtest.autumn.runtime import Program, World, compile_program, load_program
from worldtest.errors import AutumnError

__all__ = ["Program", "World", "compile_program", "load_program", "AutumnError"]
