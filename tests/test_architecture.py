"""The floor rule of ../shared/DESIGN.md, read from the source: each room imports only the rooms below it.

Imports are read from the syntax tree, function-level imports included, so a lazy import
cannot hide a wall being crossed.
"""

from __future__ import annotations

import ast
from pathlib import Path

from newssieve.settings import PROJECT_ROOT

PACKAGES = ("newssieve", "crawler", "workers", "demo")
# Ranks inside the core: a module may import its own rank or lower ones.
CORE_RANKS = {"store": 1, "feeds": 2, "ops": 3, "api": 4, "cli": 5, "__main__": 6}
# Rooms above the core, and what each may import besides the core.
ROOMS_ABOVE = {"crawler": set(), "workers": set(), "demo": set()}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            modules[module_name(path)] = path
    return modules


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules that `name` imports (absolute and relative, at any depth of the file)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import submodule` depends on the submodule; `from pkg import name` on pkg.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    known = project_modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def core_rank(module: str) -> int:
    parts = module.split(".")
    return CORE_RANKS.get(parts[1], 0) if len(parts) > 1 else 0


def test_the_core_imports_no_room_above_it():
    wrong = [(src, dst) for src, targets in import_graph().items() if src.startswith("newssieve")
             for dst in targets if dst.split(".")[0] != "newssieve"]
    assert wrong == []


def test_inside_the_core_each_layer_imports_only_layers_below_it():
    wrong = [(src, dst) for src, targets in import_graph().items() if src.startswith("newssieve")
             for dst in targets if dst.startswith("newssieve") and core_rank(dst) > core_rank(src)]
    assert wrong == []


def test_api_and_cli_do_not_import_each_other_except_serve_starting_the_app():
    graph = import_graph()
    wrong = [(src, dst) for src, targets in graph.items() for dst in targets
             if src.startswith("newssieve.api") and dst.startswith("newssieve.cli")]
    assert wrong == []


def test_rooms_above_the_core_do_not_import_each_other():
    wrong = [(src, dst) for src, targets in import_graph().items()
             if (room := src.split(".")[0]) in ROOMS_ABOVE
             for dst in targets if (other := dst.split(".")[0]) not in ("newssieve", room)
             and other not in ROOMS_ABOVE[room]]
    assert wrong == []


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(graph.get(start, ()))
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def test_no_import_circles():
    graph = import_graph()
    assert sorted(name for name in graph if reaches(graph, name, name)) == []


def test_a_circle_is_seen():
    assert reaches({"a": {"b"}, "b": {"c"}, "c": {"a"}}, "a", "a")
    assert not reaches({"a": {"b"}, "b": {"c"}}, "a", "a")


def test_the_checker_sees_a_crossed_wall(tmp_path):
    """The graph reader finds lazy, relative and aliased imports (so the rules above can fail)."""
    known = {"newssieve.store.x": tmp_path / "x.py", "crawler.y": tmp_path / "y.py",
             "newssieve.ops.z": tmp_path / "z.py"}
    source = tmp_path / "x.py"
    source.write_text("def f():\n    import crawler.y as c\n    from ..ops import z\n", encoding="utf-8")
    assert imports_of("newssieve.store.x", source, known) == {"crawler.y", "newssieve.ops.z"}


MAX_FUNCTION_LINES = 60


def long_functions(root: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """`path:line name (n lines)` for every function or method under `root` longer than `limit` lines."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    where = f"{path.relative_to(root.parent)}:{node.lineno}"
                    found.append(f"{where} {node.name} ({length} lines)")
    return found


def test_no_function_in_the_core_is_over_60_lines():
    assert long_functions(PROJECT_ROOT / "newssieve") == []


def test_the_length_checker_sees_a_long_function(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    body = "".join(f"        x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    (package / "m.py").write_text(f"def short():\n    pass\n\n\nclass C:\n    def long(self):\n{body}",
                                  encoding="utf-8")
    assert long_functions(package) == [f"pkg/m.py:6 long ({MAX_FUNCTION_LINES + 1} lines)"]


def private_imports(path: Path) -> list[str]:
    """Names starting with one underscore imported from another project module (a reach into its
    insides; third-party types such as lxml's `_Element` are that library's business)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{node.module}.{alias.name}" for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PACKAGES
            for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")]


def test_no_module_imports_another_modules_private_names():
    wrong = {name: found for name, path in project_modules().items() if (found := private_imports(path))}
    assert wrong == {}


def test_the_private_import_check_sees_one(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("from newssieve.cli.serve import _is_loopback, __version__\n", encoding="utf-8")
    assert private_imports(source) == ["newssieve.cli.serve._is_loopback"]
