"""A Vue/Nuxt app's state as the page writes it, read without running it: a JavaScript literal (Nuxt 2's
``window.__NUXT__=(function(a,b,...){return {...}}(...))``, a ``window.__STATE__ = {key: 'value'}``) and devalue's
flat array (Nuxt 3's ``__NUXT_DATA__``).

Nuxt 2 writes its state with devalue 2's ``uneval``: a JavaScript expression, keys unquoted, ``void 0``, ``new
Date(ms)``, and every value the state holds twice or more (a headline that is also the SEO title, ``null``,
``false``, an object referenced twice) hoisted into a parameter of a function that returns the state, the values
passed as its arguments; an object referenced twice is an empty ``{}`` argument filled by ``a.key=value`` statements
before the ``return``. Nuxt 3 writes it with devalue's ``stringify``: one JSON array whose first item is the root,
each object's and array's values being indexes into the array (negative ones are ``undefined``, holes, NaN and the
infinities), a list opening with a type name a typed value (``["Date", iso]``, ``["Set", ...]``, ``["null", key,
index, ...]``; Nuxt's ``["ShallowReactive", index]``, ``["Ref", index]``: the value at ``index``).
(https://github.com/Rich-Harris/devalue, ``src/uneval.js`` and ``src/parse.js``.)

Hand-written because no maintained Python reader fits: chompjs (the usual scraper's choice) returns an unquoted
identifier as a string, the same as a quoted one, so a parameter and a string of its name cannot be told apart (and
it returned ``null``/``false`` inside an array as strings); calmjs.parse and esprima build a full ES5 syntax tree in
pure Python, 157 ms for a 41 KB state here (a page's state runs to hundreds of KB); running the script in a
JavaScript engine (dukpy, mini-racer) runs a page's code in the crawler. This reader takes literals only: no name is
looked up but the function's parameters, no call made but ``new Date``/``Map``/``Set``; anything else is refused
(``ValueError``), so an unknown script costs one linear scan at most and is never half-read."""

from __future__ import annotations

import json
import math
import re

MAX_DEPTH = 200  # nesting deeper than this is refused (a state is a few levels deep; a crafted one is not read)
TOKEN_RE = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*')"""
    r"|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)"
    r"|(?P<name>[A-Za-z_$][\w$]*)"
    r"|(?P<punct>[{}\[\](),:;=!.+-]))"
)
JS_ESCAPE_RE = re.compile(r"\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|\r\n|[\s\S])")
SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "\n": "", "\r\n": "",
                  "\r": "", "\u2028": "", "\u2029": ""}
CONSTANTS = {"true": True, "false": False, "null": None, "undefined": None, "NaN": math.nan, "Infinity": math.inf}
# devalue's parse.js: the negative indexes
SPECIAL = {-1: None, -2: None, -3: math.nan, -4: math.inf, -5: -math.inf, -6: -0.0}
_END = ("end", "")


class _Ref:
    """A parameter of the state's function, named where its argument is to go."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


def read_js_state(source: str) -> object:
    """The value of a page state's JavaScript: an object or array literal, or devalue's ``(function(params){...;
    return literal}(args))`` with the arguments put in place of the parameters. Raises ValueError on anything else."""
    parser = _Parser(source)
    if parser.peek() == ("punct", "(") and parser.peek(1) == ("name", "function"):
        value = parser.function_call()
    else:
        value = parser.value(0)
    while parser.peek() == ("punct", ";"):
        parser.next()
    if parser.peek() != _END:
        raise ValueError("more than one value")
    return value


def unflatten(values: object) -> object:
    """The value devalue's ``stringify`` flattened into ``values`` (Nuxt 3's ``__NUXT_DATA__``, parsed as JSON), as
    devalue's ``parse`` rebuilds it; Nuxt's reactive wrappers (``["ShallowReactive", i]``) give their value. Raises
    ValueError where ``values`` is not such an array."""
    if isinstance(values, int) and not isinstance(values, bool):
        return SPECIAL.get(values)
    if not isinstance(values, list) or not values:
        raise ValueError("not a flattened array")
    done: dict[int, object] = {}

    def hydrate(index: object, depth: int) -> object:
        if not isinstance(index, int) or isinstance(index, bool):
            raise ValueError("not an index")
        if index < 0:
            return SPECIAL.get(index)
        if index in done:
            return done[index]
        if index >= len(values) or depth > MAX_DEPTH:
            raise ValueError("index out of range or too deep")
        value = values[index]
        if isinstance(value, dict):
            done[index] = out = {}
            out.update({k: hydrate(v, depth + 1) for k, v in value.items()})
            return out
        if not isinstance(value, list):
            done[index] = value
            return value
        if value and isinstance(value[0], str):
            kind = value[0]
            if kind in ("Date", "RegExp", "BigInt"):  # their text is their value here
                done[index] = value[1] if len(value) > 1 else None
            elif kind in ("Set", "Map"):
                done[index] = out = []
                out.extend(hydrate(v, depth + 1) for v in value[1:])
            elif kind == "null":  # Object.create(null): key, index, key, index, ...
                done[index] = out = {}
                out.update({value[i]: hydrate(value[i + 1], depth + 1) for i in range(1, len(value) - 1, 2)})
            elif kind == "Object":
                done[index] = value[1] if len(value) > 1 else None
            else:  # a reducer's value: Nuxt's Reactive, ShallowReactive, Ref, ShallowRef, EmptyRef, NuxtError, ...
                done[index] = hydrate(value[1], depth + 1) if len(value) > 1 else None
            return done[index]
        done[index] = out = []
        out.extend(hydrate(v, depth + 1) for v in value)
        return out

    return hydrate(0, 0)


def _js_string(token: str) -> str:
    """A JavaScript string literal's value (JSON's escapes and JavaScript's ``\\x41``, ``\\'``, ``\\v``, ...)."""
    if token[0] == '"':
        try:
            return json.loads(token)
        except ValueError:
            pass  # a JavaScript escape JSON does not know: decoded below
    return JS_ESCAPE_RE.sub(_unescape, token[1:-1])


def _unescape(match: re.Match) -> str:
    code = match.group(1)
    if code[0] in "xu" and len(code) > 1:
        return chr(int(code.strip("xu{}"), 16))
    return SIMPLE_ESCAPES.get(code, code)


class _Parser:
    """A recursive-descent reader of JavaScript literals over TOKEN_RE's tokens."""

    def __init__(self, source: str):
        self.tokens: list[tuple[str, str]] = []
        pos, end = 0, len(source.rstrip())
        while pos < end:
            match = TOKEN_RE.match(source, pos)
            if match is None:
                raise ValueError(f"not a literal at {pos}")
            kind = match.lastgroup or "end"
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.at = 0
        self.refs = False

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        """The token ``ahead`` tokens on (_END past the last)."""
        i = self.at + ahead
        return self.tokens[i] if i < len(self.tokens) else _END

    def next(self) -> tuple[str, str]:
        """The next token, consumed."""
        token = self.peek()
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        """Consume the next token, which must be ``text``."""
        if self.next()[1] != text:
            raise ValueError(f"expected {text!r}")

    def value(self, depth: int) -> object:
        """One literal: a string, number, constant, object, array, ``-n``, ``!0``, ``void 0``, ``new Date(...)``, a
        parenthesised value, or (inside the function) a parameter."""
        if depth > MAX_DEPTH:
            raise ValueError("too deep")
        kind, text = self.next()
        if kind == "str":
            return _js_string(text)
        if kind == "num":
            return _number(text)
        if text == "{":
            return self.object(depth)
        if text == "[":
            return self.array(depth)
        if text == "-":
            number = self.value(depth + 1)
            if not isinstance(number, (int, float)) or isinstance(number, bool):
                raise ValueError("- before no number")
            return -number
        if text == "!":  # a minifier's !0 and !1
            operand = self.next()
            if operand[0] != "num":
                raise ValueError("! before no number")
            return not _number(operand[1])
        if text == "void":
            self.value(depth + 1)
            return None
        if text == "new":
            return self.constructed(depth)
        if text == "(":
            inner = self.value(depth + 1)
            self.expect(")")
            return inner
        if kind == "name":
            if text in CONSTANTS:
                return CONSTANTS[text]
            if self.refs:
                return _Ref(text)
        raise ValueError(f"not a literal: {text!r}")

    def object(self, depth: int) -> dict:
        """An object literal after its ``{``: keys unquoted, quoted or numeric; a trailing comma allowed."""
        out: dict = {}
        while self.peek()[1] != "}":
            kind, key = self.next()
            if kind == "str":
                key = _js_string(key)
            elif kind not in ("name", "num"):
                raise ValueError("not a key")
            self.expect(":")
            out[key] = self.value(depth + 1)
            if self.peek()[1] != ",":
                break
            self.next()
        self.expect("}")
        return out

    def array(self, depth: int) -> list:
        """An array literal after its ``[``, holes as None."""
        out: list = []
        while self.peek()[1] != "]":
            if self.peek()[1] == ",":  # a hole
                self.next()
                out.append(None)
                continue
            out.append(self.value(depth + 1))
            if self.peek()[1] != ",":
                break
            self.next()
        self.expect("]")
        return out

    def constructed(self, depth: int) -> object:
        """``new Date(ms or text)`` (its argument is its value here), ``new Map([...])`` and ``new Set([...])`` (their
        items), ``new Array(n)`` (empty)."""
        name = self.next()[1]
        self.expect("(")
        arg = None if self.peek()[1] == ")" else self.value(depth + 1)
        self.expect(")")
        if name == "Date" or name in ("Map", "Set") and isinstance(arg, list):
            return arg
        if name == "Array":
            return []
        raise ValueError(f"new {name}")

    def function_call(self) -> object:
        """devalue 2's ``(function(a,b){a.x=b;return {...}}(1,2))`` (or ``(function(){...})(...)``): the returned
        literal with the arguments in place of the parameters, the statements' assignments made."""
        self.expect("(")
        self.expect("function")
        self.expect("(")
        params: list[str] = []
        while self.peek()[1] != ")":
            kind, name = self.next()
            if kind != "name":
                raise ValueError("not a parameter")
            params.append(name)
            if self.peek()[1] == ",":
                self.next()
        self.expect(")")
        self.expect("{")
        self.refs = True
        assignments = []
        while self.peek() != ("name", "return"):
            assignments.append(self.assignment())
        self.next()
        body = self.value(0)
        if self.peek()[1] == ";":
            self.next()
        self.expect("}")
        closed_early = self.peek()[1] == ")"
        if closed_early:
            self.next()
        self.refs = False
        self.expect("(")
        args = [] if self.peek()[1] == ")" else self.array_items(")")
        self.expect(")")
        if not closed_early:
            self.expect(")")
        bound = dict(zip(params, args))
        for target, path, value in assignments:
            holder = bound.get(target)
            for key in path[:-1]:
                holder = _item(holder, key)
            if isinstance(holder, dict):
                holder[path[-1]] = _resolve(value, bound)
            elif isinstance(holder, list) and isinstance(path[-1], int) and 0 <= path[-1] < 100_000:
                holder.extend([None] * (path[-1] + 1 - len(holder)))
                holder[path[-1]] = _resolve(value, bound)
        return _resolve(body, bound)

    def array_items(self, close: str) -> list:
        """The comma-separated values up to ``close`` (left unconsumed): the function's arguments."""
        out = [self.value(1)]
        while self.peek()[1] == ",":
            self.next()
            out.append(self.value(1))
        if self.peek()[1] != close:
            raise ValueError("not an argument list")
        return out

    def assignment(self) -> tuple[str, list, object]:
        """One ``a.key=value`` / ``a["key"]=value`` / ``a[0]=value`` statement before the ``return``."""
        kind, target = self.next()
        if kind != "name":
            raise ValueError("not a statement devalue writes")
        path: list = []
        while self.peek()[1] in (".", "["):
            if self.next()[1] == ".":
                path.append(self.next()[1])
            else:
                path.append(self.value(1))
                self.expect("]")
        self.expect("=")
        if not path:
            raise ValueError("not a property assignment")
        value = self.value(1)
        if self.peek()[1] in (";", ","):
            self.next()
        return target, path, value


def _number(text: str) -> int | float:
    if text[:2] in ("0x", "0X"):
        return int(text, 16)
    return int(text) if text.isdigit() else float(text)


def _item(holder: object, key: object) -> object:
    if isinstance(holder, dict):
        return holder.get(key)
    if isinstance(holder, list) and isinstance(key, int) and 0 <= key < len(holder):
        return holder[key]
    return None


def _resolve(value: object, bound: dict[str, object]) -> object:
    """``value`` with each parameter replaced by its argument (in place, iteratively: a state is large)."""
    if isinstance(value, _Ref):
        return bound.get(value.name)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            pairs = item.items()
        elif isinstance(item, list):
            pairs = enumerate(item)
        else:
            continue
        for key, child in list(pairs):
            if isinstance(child, _Ref):
                item[key] = bound.get(child.name)  # an argument is a literal: it holds no parameter
            elif isinstance(child, (dict, list)):
                stack.append(child)
    return value
