"""A preview of an APL screen in a browser: the document and datasources the skill sent, rendered
to HTML and CSS the way an Echo Show lays them out.

The developer console shows a skill's screen without a device; offline, this does. It reads the
RenderDocument directive exactly as the skill sent it and follows APL's own rules rather than
guessing: data binding (`${...}` expressions over the datasources, `viewport`, `data`, `index`),
resources chosen by their `when` in document order, styles, components dropped by `when`, a
Container's `data` inflating its first matching child per item, `spacing` before every child but
the first, and Yoga's flexbox (APL's layout engine) as CSS flexbox: border-box sizes, children
stretched across by default, `grow`/`shrink` (shrink 0 by default, unlike the web's 1), no
minimum content size. Dimensions are in dp, so the page is the viewport's size in dp and the
console scales it to fit. The components this skill's documents use (Frame, Container, Text,
ScrollView, Sequence, TouchWrapper) and Image are drawn; any other shows as a labelled box, never
as nothing. Every text and attribute is escaped; colours and font names are checked before they
reach CSS.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

DEFAULT_FONT_SIZE = 40       # dp, APL's default Text fontSize
DEFAULT_LINE_HEIGHT = 1.25
THEME_TEXT = {"dark": "#FAFAFA", "light": "#1E2222"}
THEME_BACKGROUND = {"dark": "#000000", "light": "#FFFFFF"}
RENDER_DIRECTIVE = "Alexa.Presentation.APL.RenderDocument"
MAX_DEPTH = 60               # a document nested deeper than this is cut, not a recursion error
MAX_CHILDREN = 500           # items inflated from one data array

_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|rgba?\(\s*[0-9.,\s%]+\))$")
_FONT = re.compile(r"^[A-Za-z0-9 ,'-]{1,80}$")
_DIMENSION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(dp|px|vw|vh|%)?\s*$")
_BINDING = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Viewport:
    """The screen a preview is drawn for, as APL's `viewport` describes it."""

    pixel_width: int
    pixel_height: int
    dpi: int = 160
    shape: str = "rectangle"

    @property
    def width(self) -> float:
        """Width in dp (what a document's dimensions and `viewport.width` are measured in)."""
        return self.pixel_width * 160 / self.dpi

    @property
    def height(self) -> float:
        return self.pixel_height * 160 / self.dpi

    def binding(self, theme: str) -> dict[str, Any]:
        return {"width": self.width, "height": self.height, "pixelWidth": self.pixel_width,
                "pixelHeight": self.pixel_height, "dpi": self.dpi, "shape": self.shape,
                "mode": "hub", "theme": theme}

    @classmethod
    def from_request(cls, viewport: dict[str, Any]) -> Viewport:
        """From a request's context.Viewport (Alexa writes the shape in capitals)."""
        return cls(int(viewport.get("pixelWidth") or 1280),
                   int(viewport.get("pixelHeight") or 800), int(viewport.get("dpi") or 160),
                   str(viewport.get("shape") or "RECTANGLE").lower())


def render_directive(response: dict[str, Any]) -> dict[str, Any] | None:
    """The RenderDocument directive in a response envelope, if the skill sent one."""
    for directive in ((response or {}).get("response") or {}).get("directives") or ():
        if isinstance(directive, dict) and directive.get("type") == RENDER_DIRECTIVE:
            return directive
    return None


# --- data-binding expressions -------------------------------------------------------------------

class ExpressionError(ValueError):
    """An expression this evaluator cannot read; the preview shows it as unresolved."""


_TOKEN = re.compile(r"""\s*(?:
    (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[<>!()\[\].?:+\-*/%,])
)""", re.VERBOSE)


def _tokens(text: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    at = 0
    text = text.strip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if not match or match.end() == at:
            raise ExpressionError(f"cannot read {text[at:at + 20]!r}")
        at = match.end()
        kind = match.lastgroup or ""
        value: Any = match.group(kind)
        if kind == "number":
            value = float(value) if "." in value else int(value)
        elif kind == "string":
            value = value[1:-1]
        tokens.append((kind, value))
    return tokens


class _Parser:
    """Recursive descent over APL's expression grammar (the part documents commonly use)."""

    def __init__(self, tokens: list[tuple[str, Any]], scope: dict[str, Any]) -> None:
        self.tokens = tokens
        self.at = 0
        self.scope = scope

    def peek(self) -> Any:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, Any]:
        if self.at >= len(self.tokens):
            raise ExpressionError("the expression ends early")
        token = self.tokens[self.at]
        if expected is not None and (token[0] != "op" or token[1] != expected):
            raise ExpressionError(f"expected {expected!r}, found {token[1]!r}")
        self.at += 1
        return token

    def parse(self) -> Any:
        value = self.ternary()
        if self.at != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r}")
        return value

    def ternary(self) -> Any:
        condition = self.either()
        if self.peek() == "?":
            self.take("?")
            yes = self.ternary()
            self.take(":")
            no = self.ternary()
            return yes if truthy(condition) else no
        return condition

    def either(self) -> Any:
        value = self.both()
        while self.peek() == "||":
            self.take()
            right = self.both()
            value = value if truthy(value) else right
        return value

    def both(self) -> Any:
        value = self.compare()
        while self.peek() == "&&":
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self) -> Any:
        left = self.sum()
        op = self.peek()
        if op in ("==", "!=", "<", ">", "<=", ">="):
            self.take()
            right = self.sum()
            if op == "==":
                return left == right
            if op == "!=":
                return left != right
            try:
                return {"<": left < right, ">": left > right, "<=": left <= right,
                        ">=": left >= right}[op]
            except TypeError:
                return False
        return left

    def sum(self) -> Any:
        value = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            right = self.product()
            if op == "+" and (isinstance(value, str) or isinstance(right, str)):
                value = _text(value) + _text(right)
            else:
                value = _number(value) + _number(right) if op == "+" \
                    else _number(value) - _number(right)
        return value

    def product(self) -> Any:
        value = self.unary()
        while self.peek() in ("*", "/", "%"):
            op = self.take()[1]
            right = _number(self.unary())
            left = _number(value)
            if op == "*":
                value = left * right
            elif right == 0:
                value = None
            else:
                value = left / right if op == "/" else left % right
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        if self.peek() == "-":
            self.take()
            return -_number(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, value = self.take()
        if kind in ("number", "string"):
            return value
        if kind == "op" and value == "(":
            inner = self.ternary()
            self.take(")")
            return inner
        if kind == "name":
            if value in ("true", "false", "null"):
                return {"true": True, "false": False, "null": None}[value]
            result = self.scope.get(value)
            while self.peek() in (".", "["):
                if self.take()[1] == ".":
                    result = _member(result, self.take()[1])
                else:
                    key = self.ternary()
                    self.take("]")
                    result = _member(result, key)
            return result
        raise ExpressionError(f"unexpected {value!r}")


def _member(value: Any, key: Any) -> Any:
    if isinstance(value, dict):
        return value.get(key if isinstance(key, str) else str(key))
    if isinstance(value, list) and isinstance(key, int | float) and not isinstance(key, bool):
        index = int(key)
        if -len(value) <= index < len(value):
            return value[index]
        return None
    if isinstance(value, list) and key == "length":
        return len(value)
    if isinstance(value, str) and key == "length":
        return len(value)
    return None


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def truthy(value: Any) -> bool:
    """APL's truth: null, false, 0 and the empty string are false."""
    return value not in (None, False, 0, "") and value is not False


def evaluate(text: Any, scope: dict[str, Any]) -> Any:
    """A property value with its `${...}` bindings resolved.

    A string that is exactly one binding keeps the value's type (an array for `data`, a number);
    bindings inside text are spliced in as text. An expression that cannot be read resolves to
    null, as a device renders an unresolvable binding as nothing.
    """
    if not isinstance(text, str) or "${" not in text:
        return text
    whole = _BINDING.fullmatch(text.strip())
    if whole:
        return _evaluate(whole.group(1), scope)
    return _BINDING.sub(lambda match: _text(_evaluate(match.group(1), scope)), text)


def _evaluate(expression: str, scope: dict[str, Any]) -> Any:
    try:
        return _Parser(_tokens(expression), scope).parse()
    except (ExpressionError, RecursionError):
        return None


# --- the document ------------------------------------------------------------------------------

class _Document:
    """One document's resources and styles, resolved for one viewport."""

    def __init__(self, document: dict[str, Any], viewport: Viewport) -> None:
        self.theme = str(document.get("theme") or "dark")
        self.viewport = viewport
        self.base = {"viewport": viewport.binding(self.theme),
                     "environment": {"aplVersion": document.get("version")}}
        self.resources: dict[str, Any] = {}
        for block in document.get("resources") or ():
            if not isinstance(block, dict):
                continue
            if "when" in block and not truthy(evaluate(block["when"], self.base)):
                continue
            for group, values in block.items():
                if group not in ("when", "description") and isinstance(values, dict):
                    self.resources.update(values)
        self.styles = document.get("styles") if isinstance(document.get("styles"), dict) else {}

    def resolve(self, value: Any, scope: dict[str, Any]) -> Any:
        """A property value: bindings evaluated, then an @resource looked up."""
        value = evaluate(value, scope)
        for _ in range(5):   # a resource may name another
            if isinstance(value, str) and value.startswith("@") and value[1:] in self.resources:
                value = evaluate(self.resources[value[1:]], scope)
            else:
                break
        return value

    def style(self, name: Any, scope: dict[str, Any], seen: frozenset[str] = frozenset()
              ) -> dict[str, Any]:
        """A style's values in the component's resting state (not pressed, focused...)."""
        style = self.styles.get(name) if isinstance(name, str) else None
        if not isinstance(style, dict) or name in seen:
            return {}
        values: dict[str, Any] = {}
        extend = style.get("extend")
        for parent in extend if isinstance(extend, list) else [extend] if extend else ():
            values.update(self.style(parent, scope, seen | {name}))
        state_scope = {**scope, "state": {"pressed": False, "focused": False, "checked": False,
                                          "disabled": False, "karaoke": False}}
        entries = style.get("values") or []
        for entry in entries if isinstance(entries, list) else [entries]:
            if not isinstance(entry, dict):
                continue
            if "when" in entry and not truthy(evaluate(entry["when"], state_scope)):
                continue
            values.update({k: v for k, v in entry.items() if k != "when"})
        return values


def render_screen(document: dict[str, Any], datasources: dict[str, Any] | None,
                  viewport: Viewport) -> str:
    """A complete HTML page showing the document as a device of `viewport`'s size would."""
    doc = _Document(document if isinstance(document, dict) else {}, viewport)
    scope = dict(doc.base)
    template = document.get("mainTemplate") if isinstance(document, dict) else None
    template = template if isinstance(template, dict) else {}
    datasources = datasources if isinstance(datasources, dict) else {}
    parameters = template.get("parameters") or []
    for name in parameters if isinstance(parameters, list) else ():
        if isinstance(name, str):
            scope[name] = datasources if name == "payload" else datasources.get(name)
    body = ""
    for item in _children(template):
        if isinstance(item, dict) and ("when" not in item
                                       or truthy(doc.resolve(item["when"], scope))):
            body = _component(doc, item, scope, "column", True, 0)
            break   # mainTemplate inflates its first item that applies
    width, height = doc.viewport.width, doc.viewport.height
    round_clip = "border-radius:50%;" if viewport.shape == "round" else ""
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
        f"<title>APL preview {width:g}x{height:g}dp</title><style>{_PAGE_CSS}"
        f"#viewport{{width:{width:g}px;height:{height:g}px;"
        f"background:{THEME_BACKGROUND.get(doc.theme, '#000000')};{round_clip}"
        f"color:{THEME_TEXT.get(doc.theme, '#FAFAFA')}}}"
        "</style></head><body><div id=\"viewport\" class=\"apl-column\" "
        f"data-width=\"{width:g}\" data-height=\"{height:g}\">{body}</div></body></html>")


_PAGE_CSS = (
    "html,body{margin:0;padding:0;background:transparent;overflow:hidden}"
    "#viewport{position:relative;overflow:hidden;display:flex;flex-direction:column;"
    "align-items:stretch;font-family:'Amazon Ember','Helvetica Neue',Arial,sans-serif}"
    "#viewport div{box-sizing:border-box;min-width:0;min-height:0;flex-shrink:0}"
    ".apl-column,.apl-row{display:flex;align-items:stretch;position:relative}"
    ".apl-column{flex-direction:column}.apl-row{flex-direction:row}"
    ".apl-text{white-space:pre-wrap;overflow-wrap:break-word;position:relative}"
    ".apl-scroll{overflow:auto;scrollbar-width:none}"
    ".apl-touch{cursor:pointer}"
    ".apl-unknown{border:2px dashed #F0A0A0;color:#F0A0A0;font-size:16px;padding:8px}"
)


def _children(component: dict[str, Any]) -> list[Any]:
    for key in ("items", "item"):
        value = component.get(key)
        if isinstance(value, list):
            return value
        if isinstance(value, dict):
            return [value]
    return []


def _dimension(value: Any, viewport: Viewport, *, allow_auto: bool = True) -> str | None:
    """An APL dimension as CSS (in dp, the page's px), or None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return f"{value:g}px"
    if not isinstance(value, str):
        return None
    if value.strip() == "auto":
        return "auto" if allow_auto else None
    match = _DIMENSION.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2) or "dp"
    if unit == "dp":
        return f"{number:g}px"
    if unit == "px":
        return f"{number * 160 / viewport.dpi:g}px"
    if unit == "vw":
        return f"{number * viewport.width / 100:g}px"
    if unit == "vh":
        return f"{number * viewport.height / 100:g}px"
    return f"{number:g}%"


def _color(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and _COLOR.match(value.strip()) else None


def _background(value: Any, doc: _Document, scope: dict[str, Any]) -> str | None:
    if isinstance(value, dict):   # a gradient
        colors = [_color(doc.resolve(c, scope)) for c in value.get("colorRange") or ()]
        colors = [c for c in colors if c]
        if len(colors) < 2:
            return colors[0] if colors else None
        stops = value.get("inputRange") or []
        if not isinstance(stops, list) or len(stops) != len(colors):
            stops = [i / (len(colors) - 1) for i in range(len(colors))]
        parts = ", ".join(f"{c} {_number(s) * 100:g}%" for c, s in zip(colors, stops,
                                                                        strict=True))
        if value.get("type") == "radial":
            return f"radial-gradient(circle, {parts})"
        return f"linear-gradient({_number(value.get('angle', 0)):g}deg, {parts})"
    return _color(value)


_SIDES = ("Left", "Top", "Right", "Bottom")


def _box_styles(props: dict[str, Any], doc: _Document, scope: dict[str, Any], direction: str,
                first: bool) -> list[str]:
    """What every APL component has: size, padding, spacing, flex, position, opacity, display."""
    viewport = doc.viewport
    css: list[str] = []
    for name, prop in (("width", "width"), ("height", "height"), ("min-width", "minWidth"),
                       ("max-width", "maxWidth"), ("min-height", "minHeight"),
                       ("max-height", "maxHeight")):
        value = _dimension(doc.resolve(props.get(prop), scope), viewport)
        if value is not None:
            css.append(f"{name}:{value}")
    padding = doc.resolve(props.get("padding"), scope)
    sides: dict[str, Any] = {}
    if isinstance(padding, list) and len(padding) == 4:
        sides = dict(zip(_SIDES, padding, strict=True))
    elif padding is not None and not isinstance(padding, list):
        sides = dict.fromkeys(_SIDES, padding)
    for side, alias in zip(_SIDES, ("Start", None, "End", None), strict=True):
        for key in (f"padding{side}", f"padding{alias}" if alias else None):
            if key and key in props:
                sides[side] = doc.resolve(props[key], scope)
    for side, value in sides.items():
        css_value = _dimension(value, viewport, allow_auto=False)
        if css_value is not None:
            css.append(f"padding-{side.lower()}:{css_value}")
    spacing = _dimension(doc.resolve(props.get("spacing"), scope), viewport, allow_auto=False)
    if spacing is not None and not first:
        edge = {"column": "top", "row": "left", "columnReverse": "bottom",
                "rowReverse": "right"}.get(direction, "top")
        css.append(f"margin-{edge}:{spacing}")
    grow = doc.resolve(props.get("grow"), scope)
    if isinstance(grow, int | float) and not isinstance(grow, bool):
        css.append(f"flex-grow:{grow:g}")
    shrink = doc.resolve(props.get("shrink"), scope)
    if isinstance(shrink, int | float) and not isinstance(shrink, bool):
        css.append(f"flex-shrink:{shrink:g}")
    align = doc.resolve(props.get("alignSelf"), scope)
    if align in _ALIGN:
        css.append(f"align-self:{_ALIGN[align]}")
    if doc.resolve(props.get("position"), scope) == "absolute":
        css.append("position:absolute")
        for edge in ("left", "top", "right", "bottom"):
            value = _dimension(doc.resolve(props.get(edge), scope), viewport)
            if value is not None:
                css.append(f"{edge}:{value}")
    opacity = doc.resolve(props.get("opacity"), scope)
    if isinstance(opacity, int | float) and not isinstance(opacity, bool):
        css.append(f"opacity:{max(0.0, min(1.0, float(opacity))):g}")
    display = doc.resolve(props.get("display"), scope)
    if display == "none":
        css.append("display:none")
    elif display == "invisible":
        css.append("visibility:hidden")
    return css


_ALIGN = {"start": "flex-start", "end": "flex-end", "center": "center",
          "stretch": "stretch", "baseline": "baseline", "auto": "auto"}
_JUSTIFY = {"start": "flex-start", "end": "flex-end", "center": "center",
            "spaceBetween": "space-between", "spaceAround": "space-around",
            "spaceEvenly": "space-evenly"}
_DIRECTION = {"column": "column", "row": "row", "columnReverse": "column-reverse",
              "rowReverse": "row-reverse"}


def _component(doc: _Document, component: dict[str, Any], scope: dict[str, Any],
               direction: str, first: bool, depth: int) -> str:
    """One component and everything inside it, as HTML."""
    if depth > MAX_DEPTH:
        return ""
    scope = _bound(doc, component, scope)
    props = {**doc.style(doc.resolve(component.get("style"), scope), scope), **component}
    kind = str(props.get("type") or "")
    css = _box_styles(props, doc, scope, direction, first)
    label = doc.resolve(props.get("accessibilityLabel"), scope)
    attrs = f' data-apl="{html.escape(kind)}"'
    if label:
        attrs += f' aria-label="{html.escape(_text(label))}"'
    if kind == "Text":
        return _text_component(doc, props, scope, css, attrs)
    if kind == "Image":
        return _image(doc, props, scope, css, attrs)
    inner_direction = "column"
    classes = "apl-column"
    if kind == "Container":
        inner_direction = str(doc.resolve(props.get("direction"), scope) or "column")
        inner_direction = inner_direction if inner_direction in _DIRECTION else "column"
        classes = "apl-row" if inner_direction.startswith("row") else "apl-column"
        css.append(f"flex-direction:{_DIRECTION[inner_direction]}")
        align = doc.resolve(props.get("alignItems"), scope)
        if align in _ALIGN:
            css.append(f"align-items:{_ALIGN[align]}")
        justify = doc.resolve(props.get("justifyContent"), scope)
        if justify in _JUSTIFY:
            css.append(f"justify-content:{_JUSTIFY[justify]}")
        if doc.resolve(props.get("wrap"), scope) in ("wrap", "wrapReverse"):
            css.append("flex-wrap:wrap")
    elif kind == "Frame":
        background = _background(doc.resolve(props.get("background"), scope), doc, scope) \
            or _color(doc.resolve(props.get("backgroundColor"), scope))
        if background:
            css.append(f"background:{background}")
        radius = _dimension(doc.resolve(props.get("borderRadius"), scope), doc.viewport,
                            allow_auto=False)
        if radius:
            css.append(f"border-radius:{radius}")
        border = _dimension(doc.resolve(props.get("borderWidth"), scope), doc.viewport,
                            allow_auto=False)
        if border:
            color = _color(doc.resolve(props.get("borderColor"), scope)) or "transparent"
            css.append(f"border:{border} solid {color}")
    elif kind in ("ScrollView", "Sequence", "GridSequence"):
        classes += " apl-scroll"
        if kind != "ScrollView" and doc.resolve(props.get("scrollDirection"), scope) \
                == "horizontal":
            classes = "apl-row apl-scroll"
            inner_direction = "row"
    elif kind == "TouchWrapper":
        classes += " apl-touch"
        attrs += _touch(doc, props, scope)
    elif kind not in ("Pager",):
        return (f'<div class="apl-unknown"{attrs} style="{";".join(css)}">'
                f"{html.escape(kind or 'component')} (not drawn by this preview)</div>")
    children = _inflate(doc, props, scope, inner_direction, depth)
    if kind == "Pager":
        children = children[:1]   # a pager shows its first page
    return f'<div class="{classes}"{attrs} style="{";".join(css)}">{"".join(children)}</div>'


def _bound(doc: _Document, component: dict[str, Any], scope: dict[str, Any]) -> dict[str, Any]:
    """The scope with a component's `bind` variables added."""
    bind = component.get("bind")
    if not isinstance(bind, list):
        return scope
    scope = dict(scope)
    for variable in bind:
        if isinstance(variable, dict) and isinstance(variable.get("name"), str):
            scope[variable["name"]] = doc.resolve(variable.get("value"), scope)
    return scope


def _inflate(doc: _Document, props: dict[str, Any], scope: dict[str, Any], direction: str,
             depth: int) -> list[str]:
    """The children: each item whose `when` holds, or with `data`, one per data element (the
    first item whose `when` holds for it), with firstItem/lastItem around them."""
    items = [i for i in _children(props) if isinstance(i, dict)]
    data = doc.resolve(props.get("data"), scope)
    inflated: list[tuple[dict[str, Any], dict[str, Any]]] = []
    if isinstance(data, list):
        for index, element in enumerate(data[:MAX_CHILDREN]):
            child_scope = {**scope, "data": element, "index": index, "length": len(data)}
            for item in items:
                if "when" not in item or truthy(doc.resolve(item["when"], child_scope)):
                    inflated.append((item, child_scope))
                    break
    else:
        inflated = [(item, scope) for item in items
                    if "when" not in item or truthy(doc.resolve(item["when"], scope))]
    for key, at_end in (("firstItem", False), ("lastItem", True)):
        extra = props.get(key)
        if isinstance(extra, dict) and ("when" not in extra
                                         or truthy(doc.resolve(extra["when"], scope))):
            inflated.insert(len(inflated) if at_end else 0, (extra, scope))
    return [_component(doc, item, item_scope, direction, index == 0, depth + 1)
            for index, (item, item_scope) in enumerate(inflated)]


def _text_component(doc: _Document, props: dict[str, Any], scope: dict[str, Any],
                    css: list[str], attrs: str) -> str:
    text = _text(doc.resolve(props.get("text"), scope))
    size = _dimension(doc.resolve(props.get("fontSize"), scope), doc.viewport,
                      allow_auto=False) or f"{DEFAULT_FONT_SIZE}px"
    css.append(f"font-size:{size}")
    color = _color(doc.resolve(props.get("color"), scope))
    if color:
        css.append(f"color:{color}")
    weight = doc.resolve(props.get("fontWeight"), scope)
    if weight in ("normal", "bold") or (isinstance(weight, int | float | str)
                                        and str(weight).isdigit()):
        css.append(f"font-weight:{weight}")
    if doc.resolve(props.get("fontStyle"), scope) == "italic":
        css.append("font-style:italic")
    family = doc.resolve(props.get("fontFamily"), scope)
    if isinstance(family, str) and _FONT.match(family):
        css.append(f"font-family:{family},sans-serif")
    line = doc.resolve(props.get("lineHeight"), scope)
    css.append(f"line-height:{_number(line) if line is not None else DEFAULT_LINE_HEIGHT:g}")
    spacing = _dimension(doc.resolve(props.get("letterSpacing"), scope), doc.viewport,
                         allow_auto=False)
    if spacing:
        css.append(f"letter-spacing:{spacing}")
    align = doc.resolve(props.get("textAlign"), scope)
    if align in ("left", "right", "center", "start", "end"):
        css.append(f"text-align:{align}")
    lines = doc.resolve(props.get("maxLines"), scope)
    if isinstance(lines, int | float) and not isinstance(lines, bool) and lines > 0:
        css.append(f"display:-webkit-box;-webkit-box-orient:vertical;"
                   f"-webkit-line-clamp:{int(lines)};overflow:hidden")
    return f'<div class="apl-text"{attrs} style="{";".join(css)}">{html.escape(text)}</div>'


def _image(doc: _Document, props: dict[str, Any], scope: dict[str, Any], css: list[str],
           attrs: str) -> str:
    if not any(part.startswith("width:") for part in css):
        css.append("width:100px")
    if not any(part.startswith("height:") for part in css):
        css.append("height:100px")
    fit = {"best-fit": "contain", "best-fill": "cover", "fill": "fill", "none": "none",
           "best-fit-down": "scale-down"}.get(str(doc.resolve(props.get("scale"), scope)),
                                              "contain")
    source = doc.resolve(props.get("source") or props.get("sources"), scope)
    if isinstance(source, list):
        source = source[0] if source else None
    if isinstance(source, dict):
        source = source.get("url")
    src = source if isinstance(source, str) and source.startswith(("https://", "http://")) \
        else ""
    return (f'<img{attrs} alt="" src="{html.escape(src)}" '
            f'style="{";".join(css)};object-fit:{fit}">')


def _touch(doc: _Document, props: dict[str, Any], scope: dict[str, Any]) -> str:
    """A TouchWrapper's SendEvent arguments, resolved, so the console can send the UserEvent."""
    commands = props.get("onPress")
    commands = commands if isinstance(commands, list) else [commands]
    for command in commands:
        if isinstance(command, dict) and command.get("type") == "SendEvent":
            arguments = [doc.resolve(a, scope) for a in command.get("arguments") or ()]
            return f' role="button" data-arguments="{html.escape(json.dumps(arguments))}"'
    return ' role="button"'
