"""Walk a Keras model config, layer call by layer call, and count each: `profile_config`.

The config is the JSON that `model.to_json()`, `model.get_config()` or the `config.json` inside a `.keras`
archive holds: Sequential or Functional, with nested models and shared layers, in Keras 3's spelling of the
graph (`inbound_nodes` of `args` holding `__keras_tensor__`s) or Keras 2's (lists of [layer, node, tensor]).
Shapes are inferred from the config and the input shape alone; a layer that cannot be counted is listed with
the reason, and its output shape is read from the file where the file records it and the input is unchanged.
Nothing here imports Keras.
"""

from __future__ import annotations

import heapq
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

from dsconv.profile.layers import (
    LARGEST_DIMENSION,
    OPERATIONS,
    LayerCount,
    NotCounted,
    Shape,
    count_layer,
    count_operation,
)
from dsconv.profile.table import ALIKE_NOTE, MERGED_NOTE, LayerRow, Profile

MAX_LAYERS = 3000  # EfficientNetB7 has 813; a file with more is refused, not walked
MODEL_CLASSES = ("Functional", "Sequential", "Model")
Ref = tuple[str, int, int]  # (layer name, node index, tensor index)


class ProfileError(ValueError):
    """A config that is not a model the profiler can walk, with what to change."""


class UnknownInputSize(ProfileError):
    """The model's input has sizes it does not declare: the reader must give one."""


@dataclass
class _Walk:
    """What one profiling run accumulates: the rows, the layers seen, and whether shapes in the file still hold."""

    rows: list[LayerRow] = field(default_factory=list)
    layers_seen: int = 0
    recorded_shapes_hold: bool = True  # False once the input shape was changed: the file's shapes are stale
    # (name, class, config) -> [(model path, row name)] of the calls that counted those weights
    weights: dict[tuple[str, str, str], list[tuple[str, str]]] = field(default_factory=dict)
    marks_sharing: bool = False  # a .keras file's config: every later copy of a shared object says so
    alike: dict[str, str] = field(default_factory=dict)  # row -> an earlier row of the same name and config, apart
    merged: set[str] = field(default_factory=set)  # rows taken for a layer met before on the name and config alone

    def counted_at(self, layer: dict, prefix: str, row: str) -> str:
        """The row that already counted this layer's weights, or '' (and this row now counts them).

        A config names a layer, not an object: one layer called in a model and in a model nested in it is written
        twice, with the same name and config, once in each (Keras counts its weights once). Two blocks built by
        one function may hold layers of the same name and config that are separate layers, so a layer counts as
        met before only in a model that holds the other or is held by it; a nested model, only by its own name
        and whole config (`prefix` "")."""
        key = (_name(layer), str(layer.get("class_name")), json.dumps(_unshared(layer.get("config")), sort_keys=True,
                                                                    default=str))
        # A .keras file marks each copy after the first of a layer object with its `shared_object_id`: that one is
        # met before wherever it stands (two sibling blocks that call one layer)
        known = layer.get("shared_object_id") is not None
        for where, first in self.weights.get(key, []):
            # where the file marks sharing, nothing else is: a model's "conv" and its nested block's own "conv", two
            # layers of one name and settings, had the second's weights counted as the first's (2,320 of 4,640)
            if known or (not self.marks_sharing and (prefix.startswith(where) or where.startswith(prefix))):
                if not known:  # a JSON config: as likely two layers, which Keras, loading the file, builds
                    self.merged.add(row)
                return first
        if self.weights.get(key) and not self.marks_sharing:  # a JSON config cannot tell one layer from two alike
            self.alike[row] = self.weights[key][0][1]
        self.weights.setdefault(key, []).append((prefix, row))
        return ""

    def visit(self) -> None:
        self.layers_seen += 1
        if self.layers_seen > MAX_LAYERS:
            raise ProfileError(f"The model has more than {MAX_LAYERS} layers; dsconv profiles models up to that "
                               "size. Profile a smaller one.")


def _unshared(value: Any) -> Any:
    """A config without the `shared_object_id`s that a .keras file writes into the later copies of a shared object
    (a layer's, its initializers', its dtype policy's): the copies of one layer read alike again."""
    if isinstance(value, dict):
        return {key: _unshared(item) for key, item in value.items() if key != "shared_object_id"}
    if isinstance(value, list):
        return [_unshared(item) for item in value]
    return value


def model_body(config: Any) -> tuple[str, dict]:
    """(class name, inner config) of a model config, wrapped ({"class_name": ..., "config": ...}) or bare."""
    if not isinstance(config, dict):
        raise ProfileError("This is not a Keras model config: it should be a JSON object with a list of layers.")
    if "config" in config and isinstance(config["config"], dict) and "layers" in config["config"]:
        class_name = config.get("class_name", "Functional")
        body = config["config"]
    else:
        class_name, body = ("Functional" if "input_layers" in config else "Sequential"), config
    if not isinstance(body.get("layers"), list) or not body["layers"]:
        raise ProfileError("This is not a Keras model config: it has no list of layers. Give the JSON of "
                           "`model.to_json()` or the config.json inside a .keras file.")
    if class_name not in MODEL_CLASSES:
        raise ProfileError(f"The file holds a {str(class_name)[:40]!r}, not a Keras Functional or Sequential "
                           "model; custom model classes are not profiled.")
    return class_name, body


def _dict(value: Any) -> dict:
    """A config's object, or an empty one where a damaged file has something else."""
    return value if isinstance(value, dict) else {}


def _name(layer: dict) -> str:
    name = layer.get("name") or _dict(layer.get("config")).get("name")
    if not isinstance(name, str) or not name:
        raise ProfileError("A layer of the model has no name; the file is damaged or not a Keras config.")
    return name[:200]


def _shape_of(value: Any, what: str) -> Shape | None:
    """A batch shape from a config ([null, 224, 224, 3]) without its batch axis; None where a size is unknown."""
    if not isinstance(value, (list, tuple)) or len(value) < 2:
        return None
    sizes = value[1:]
    if any(size is None for size in sizes):
        return None
    if any(isinstance(size, bool) or not isinstance(size, int) or not 1 <= size < LARGEST_DIMENSION for size in sizes):
        raise ProfileError(f"The {what} has a size that is not a whole number from 1 up: {list(value)[:8]}.")
    return tuple(sizes)


def _declared_input(layer: dict) -> tuple[Shape | None, Any]:
    config = _dict(layer.get("config"))
    declared = config.get("batch_shape") or config.get("batch_input_shape")
    return _shape_of(declared, f"input {_name(layer)!r}"), declared


def _declared(class_name: str, body: dict) -> tuple[Shape | None, Any]:
    """The one input a model declares: (its shape without the batch axis or None where a size is unknown, the batch
    shape as the file writes it). A Functional model with several inputs is refused here."""
    layers = [layer for layer in body["layers"] if isinstance(layer, dict)]
    if class_name == "Sequential":
        if layers and layers[0].get("class_name") == "InputLayer":
            return _declared_input(layers[0])
        declared = body.get("build_input_shape")
        if declared is None and layers:  # Keras 2 before 2.4 wrote it on the first layer
            declared = _dict(layers[0].get("config")).get("batch_input_shape")
        return _shape_of(declared, "model's input"), declared
    refs = _refs(body.get("input_layers"), "input layers")
    named = {_name(layer): layer for layer in layers}
    if len(refs) != 1 or refs[0][0] not in named:
        raise ProfileError("This model has several inputs; its input size cannot be set to one picture's.")
    return _declared_input(named[refs[0][0]])


def _ref(name: Any, node: Any, tensor: Any) -> Ref:
    if not isinstance(name, str) or any(isinstance(i, bool) or not isinstance(i, int) for i in (node, tensor)):
        raise ProfileError("A layer's input is not a [layer name, node, tensor] reference; the file is damaged.")
    return name[:200], node, tensor


def _tensors(value: Any) -> Iterator[tuple[Ref, Any]]:
    """Every Keras 3 `__keras_tensor__` in a node's arguments, in order: its reference and its recorded shape."""
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            config = _dict(value.get("config"))
            history = config.get("keras_history")
            if isinstance(history, list) and len(history) == 3:
                yield _ref(*history), config.get("shape")
            return
        for item in value.values():
            yield from _tensors(item)
    elif isinstance(value, list):
        for item in value:
            yield from _tensors(item)


def _constants(node: Any) -> int:
    """How many plain numbers a Keras 3 operation's call takes besides its tensors (`x + 3.0` takes one)."""
    if not isinstance(node, dict) or not isinstance(node.get("args"), list):
        return 0
    return sum(isinstance(arg, (int, float)) and not isinstance(arg, bool) for arg in node["args"])


def _node_inputs(node: Any) -> list[tuple[Ref, Any]]:
    """The tensors one call of a layer takes: Keras 3 ({"args", "kwargs"}) or Keras 2 ([[name, node, tensor, {}]])."""
    if isinstance(node, dict):
        return list(_tensors(node.get("args"))) + list(_tensors(node.get("kwargs")))
    if isinstance(node, list):
        return [(_ref(*item[:3]), None) for item in node if isinstance(item, list) and len(item) >= 3]
    raise ProfileError("A layer's inbound node is neither Keras 3's nor Keras 2's spelling; the file is damaged.")


def _refs(value: Any, what: str) -> list[Ref]:
    """A model's input_layers/output_layers: [[name, node, tensor], ...] or one [name, node, tensor]."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, list) and len(item) == 3 for item in value):
        raise ProfileError(f"The model's {what} are not a list of [layer, node, tensor]; the file is damaged.")
    return [_ref(*item) for item in value]


def _custom(layer: dict) -> str:
    """Why a layer is never run or counted here, or ''."""
    class_name = str(layer.get("class_name"))
    if class_name in ("Lambda", "TFOpLambda", "SlicingOpLambda"):
        return f"a {class_name} layer holds code; dsconv never runs code from a file, so it is not counted"
    registered = layer.get("registered_name")
    module = layer.get("module")
    if (registered not in (None, class_name)) or (isinstance(module, str) and not module.startswith("keras")):
        return f"{class_name[:60]} is a custom class ({str(registered or module)[:60]}); it is not counted"
    return ""


def _count(walk: _Walk, layer: dict, prefix: str, call: int, inputs: list[Shape | None],
           recorded: list[Shape | None], constants: int = 0) -> list[Shape | None]:
    """Count one call of one layer (a nested model is walked), add its rows, and return its output shapes."""
    name = prefix + _name(layer) + (f" (call {call + 1})" if call else "")
    class_name = str(layer.get("class_name"))[:80]
    config = _dict(layer.get("config"))
    if class_name in MODEL_CLASSES and isinstance(config.get("layers"), list):
        if any(shape is None for shape in inputs):
            walk.rows.append(LayerRow(name, class_name, "other", None, counted=False,
                                      note="its input comes from a layer that was not counted"))
            return [None]
        first = "" if call else walk.counted_at(layer, "", name)
        shared = "shared: weights counted on its first call" if call else \
            f"shared: weights counted in {first}" if first else ""
        return _walk_model(walk, layer, name + "/", inputs, shared)
    reason = _custom(layer)
    if not reason and any(shape is None for shape in inputs):
        reason = "its input comes from a layer that was not counted"
    if not reason:
        try:
            if _operation(layer, call):
                counted = count_operation(class_name, list(inputs), constants)
            else:
                counted = count_layer(class_name, config, list(inputs))
        except NotCounted as error:
            reason = str(error)
        except (ValueError, TypeError, KeyError, IndexError, ArithmeticError) as error:  # a config no rule expected
            reason = f"its config does not fit a {class_name} ({type(error).__name__}: {str(error)[:80]})"
        else:
            # Keras trains a layer by its own flag: freezing a model sets each of its layers' flags, and a layer
            # unfrozen after its base, to fine-tune it, trains (it was counted frozen with the base, 130 trainable
            # against Keras's 278). Keras 2 counted such a model's layers frozen while it ran, but not once it had
            # loaded the model from its file, which is what a file can say.
            frozen = config.get("trainable") is False
            if frozen:
                # a frozen layer (layer.trainable = False, or a frozen model around it: a pretrained base under a new
                # head) keeps all its weights out of training, as Keras counts them: its 330 read "trainable"
                counted = replace(counted, params=0, frozen_params=counted.params + counted.frozen_params)
            first = "" if call else walk.counted_at(layer, prefix, name)
            shared = counted.params + counted.frozen_params and (call or first)
            if shared:  # a shared layer's weights were counted on its first call, or in another model
                counted = LayerCount(counted.role, counted.outputs, multiply_adds=counted.multiply_adds,
                                     other_ops=counted.other_ops,
                                     depthwise_multiply_adds=counted.depthwise_multiply_adds)
            walk.rows.append(LayerRow(
                name, class_name, counted.role, counted.outputs[0], counted.params, counted.frozen_params,
                counted.multiply_adds, counted.depthwise_multiply_adds, counted.other_ops, counted.activation_bytes,
                note=("shared: weights counted on its first call" if call else
                      f"{MERGED_NOTE} weights counted in {first} (the file cannot tell one layer called in both "
                      "models from two layers of one name and settings, which Keras, loading it, counts twice)"
                      if name in walk.merged else f"shared: weights counted in {first}")
                if shared else _alike_note(walk, name, counted), config=config,
                inputs=tuple(inputs), frozen=frozen))
            return list(counted.outputs)
    known = walk.recorded_shapes_hold and recorded and all(shape is not None for shape in recorded)
    outputs = list(recorded) if known else [None]
    walk.rows.append(LayerRow(name, class_name, "other", outputs[0], counted=False,
                              note="not counted: " + reason + ("; output shape as the file records it" if known
                                                                else "")))
    return outputs


def _operation(layer: dict, call: int) -> bool:
    """Whether a layer of the config is one of Keras 3's operations on tensors (`x * 3.0`, `x + y`), not a layer: its
    module says so in a .keras file. A .h5 file drops the module, and there the call tells: an operation takes its
    tensors and numbers one by one ([x, 3.0]); a merge layer of the same name (Add, Multiply) takes one list of
    tensors ([[x, y]]). Read as a merge layer, `x * 3.0` was "not counted: it merges two or more tensors, and the file
    gives it 1"."""
    module = str(layer.get("module", ""))
    if module.startswith("keras.src.ops"):
        return True
    if module or str(layer.get("class_name")) not in OPERATIONS:
        return False
    nodes = layer.get("inbound_nodes")
    node = nodes[call] if isinstance(nodes, list) and call < len(nodes) else None
    args = node.get("args") if isinstance(node, dict) else None
    return isinstance(args, list) and bool(args) and not (len(args) == 1 and isinstance(args[0], list))


def _alike_note(walk: _Walk, name: str, counted: LayerCount) -> str:
    """Where a JSON config holds a layer of the same name and settings in another block, that it was counted as a
    layer of its own: the file cannot tell two blocks' alike layers from one layer both call (Keras counts that
    once)."""
    if name not in walk.alike or not counted.params + counted.frozen_params:
        return ""
    return (f"{ALIKE_NOTE} {walk.alike[name]}: counted as a layer of its own (if the model calls one "
            "layer in both places, Keras counts its weights once)")


def _in_order(shapes: dict[int, Any]) -> list[Any]:
    """The recorded shapes of one call's outputs by tensor index; None where no consumer recorded one."""
    return [shapes.get(index) for index in range(max(shapes) + 1)] if shapes and max(shapes) < 64 else []


def _walk_sequential(walk: _Walk, body: dict, prefix: str, inputs: list[Shape] | None) -> list:
    layers = [layer for layer in body["layers"] if isinstance(layer, dict)]
    shape: Shape | None
    if inputs is not None:
        shape = inputs[0] if len(inputs) == 1 else None
        if len(inputs) != 1:
            raise ProfileError(f"A Sequential model ({prefix.rstrip('/')}) is given {len(inputs)} inputs; it takes "
                               "one.")
    else:
        shape, declared = _declared("Sequential", body)
        if shape is None:
            raise _unknown_input(declared)
    for position, layer in enumerate(layers):
        walk.visit()
        if layer.get("class_name") == "InputLayer":
            continue
        shape = _count(walk, layer, prefix, 0, [shape], _next_input(layers, position))[0]
    return [shape]


def _next_input(layers: list[dict], position: int) -> list[Shape | None]:
    """The output shape of a Sequential model's layer at `position` as the file records it: the input shape the next
    layer was built with (Keras 3 writes it in each layer's build_config). A layer that could not be counted (a
    Lambda, a custom layer) left every layer after it uncounted, and a model of 1,466 parameters read 0."""
    if position + 1 >= len(layers):
        return []
    built = _dict(_dict(layers[position + 1]).get("build_config")).get("input_shape")
    return [_shape_of(built, "recorded shape")] if isinstance(built, list) else []


def _unknown_input(declared: Any) -> UnknownInputSize:
    if declared is None:  # model.to_json() of a Sequential model that was never built
        return UnknownInputSize("The model file records no input shape: the model was saved before it was built, or "
                                "without an Input layer, so its sizes are unknown.")
    return UnknownInputSize(f"The model's input shape is {declared!r}: some sizes are unknown.")


def _walk_functional(walk: _Walk, body: dict, prefix: str, inputs: list[Shape] | None) -> list:
    layers: dict[str, dict] = {}
    for layer in body["layers"]:
        if not isinstance(layer, dict):
            raise ProfileError("A layer of the model is not a JSON object; the file is damaged.")
        walk.visit()
        layers[_name(layer)] = layer
    input_refs = _refs(body.get("input_layers"), "input layers")
    output_refs = _refs(body.get("output_layers"), "output layers")
    if inputs is not None and len(inputs) != len(input_refs):
        raise ProfileError(f"The nested model {prefix.rstrip('/')!r} takes {len(input_refs)} inputs and is given "
                           f"{len(inputs)}.")
    missing_outputs = [ref[0] for ref in output_refs if ref[0] not in layers]
    if missing_outputs:
        raise ProfileError(f"The model's output {missing_outputs[0]!r} is not among its layers; the file is damaged.")
    tensors: dict[Ref, Shape | None] = {}
    for index, ref in enumerate(input_refs):
        if ref[0] not in layers:
            raise ProfileError(f"The model's input {ref[0]!r} is not among its layers; the file is damaged.")
        shape, declared = _declared_input(layers[ref[0]])
        if inputs is not None:
            shape = inputs[index]
        elif shape is None:
            raise _unknown_input(declared)
        tensors[(ref[0], 0, 0)] = shape

    # Every call of every layer, with the tensors it waits for; the file's own shapes for each tensor.
    spelled: list[tuple[dict, int, list[tuple[Ref, Any]], int, bool]] = []
    for name, layer in layers.items():
        if layer.get("class_name") == "InputLayer":
            continue
        nodes = layer.get("inbound_nodes") or []
        if not isinstance(nodes, list):
            raise ProfileError(f"The layer {name!r} has inbound nodes that are not a list; the file is damaged.")
        for index, node in enumerate(nodes):
            spelled.append((layer, index, _node_inputs(node), _constants(node), isinstance(node, list)))
            if index:  # a shared layer's every call is walked: each counts against the cap
                walk.visit()
    made = {(ref[0], 0) for ref in input_refs} | {(_name(layer), index) for layer, index, *_ in spelled}
    calls_of = defaultdict(list)
    for layer, index, *_ in spelled:
        calls_of[_name(layer)].append(index)

    def resolve(ref: Ref, shifted: tuple[str, ...]) -> Ref:
        """The call here that a reference means. A nested model of a class in `shifted` is numbered from 1 (Keras
        2 counted the model's own building as its node 0, everywhere; Keras 3 does so for a Functional model in
        `output_layers` alone). A layer shared with another model is numbered by all its calls, in every model:
        where this model holds one call of it, that is the one meant."""
        name, node, tensor = ref
        if node >= 1 and str(_dict(layers.get(name)).get("class_name")) in shifted:
            node -= 1
        if (name, node) not in made and len(calls_of[name]) == 1:
            node = calls_of[name][0]
        return name, node, tensor

    output_refs = [resolve(ref, ("Functional", "Sequential", "Model") if any(keras2 for *_, keras2 in spelled)
                           else ("Functional",)) for ref in output_refs]
    calls: list[tuple[dict, int, list[Ref], int]] = []
    recorded: dict[tuple[str, int], dict[int, Any]] = defaultdict(dict)  # (layer, node) -> tensor -> shape
    for layer, index, found, constants, keras2 in spelled:
        refs = [resolve(ref, MODEL_CLASSES if keras2 else ()) for ref, _ in found]
        for ref, (_, shape) in zip(refs, found):
            recorded[ref[:2]].setdefault(ref[2], shape)
        calls.append((layer, index, refs, constants))

    # Kahn's order: a call runs once every tensor it takes exists; a loop or a missing layer leaves calls waiting.
    waiting: dict[Ref, list[int]] = defaultdict(list)
    missing = []
    for position, (_, _, refs, _) in enumerate(calls):
        pending = {ref for ref in refs if ref not in tensors}
        missing.append(len(pending))
        for ref in pending:
            waiting[ref].append(position)
    ready = [position for position, count in enumerate(missing) if count == 0]
    heapq.heapify(ready)
    done = 0
    while ready:
        position = heapq.heappop(ready)  # the file's order where it has a choice: the table reads like the model
        layer, index, refs, constants = calls[position]
        name = _name(layer)
        from_file = [_shape_of(shape, "recorded shape") if isinstance(shape, list) else None
                     for shape in _in_order(recorded.get((name, index), {}))]
        outputs = _count(walk, layer, prefix, index, [tensors[ref] for ref in refs], from_file, constants)
        done += 1
        for tensor_index, shape in enumerate(outputs):
            ref = (name, index, tensor_index)
            tensors[ref] = shape
            for other in waiting.pop(ref, []):
                missing[other] -= 1
                if missing[other] == 0:
                    heapq.heappush(ready, other)
    if done < len(calls):
        stuck = sorted({_name(calls[p][0]) for p, count in enumerate(missing) if count})[:5]
        raise ProfileError(f"Some layers wait for tensors no layer makes (a loop, or a missing layer): "
                           f"{', '.join(stuck)}. The file is damaged or not a Keras config.")
    return [tensors.get(ref) for ref in output_refs]


def _walk_model(walk: _Walk, model: dict, prefix: str, inputs: list[Shape] | None, shared: str = "") -> list:
    """Walk a model's layers; `shared` says where the weights of a nested model met before were counted."""
    class_name, body = model_body(model)
    walker = _walk_sequential if class_name == "Sequential" else _walk_functional
    before = len(walk.rows)
    outputs = walker(walk, body, prefix, inputs)
    if shared:
        walk.rows[before:] = [replace(row, params=0, frozen_params=0, note=shared if not row.note or row.name in
                                      walk.alike else row.note) for row in walk.rows[before:]]
    return outputs


def declared_input_shape(config: Any) -> Shape | None:
    """The input shape a model config declares (None where it has several inputs or unknown sizes)."""
    try:
        return _declared(*model_body(config))[0]
    except ProfileError:  # several inputs
        return None


def picture_input(config: Any, side: int) -> Shape:
    """The input shape of a model that takes one picture, resized to side x side with its own channel count (3, an
    RGB picture, where the file records no input at all and its first layer is a 2-D convolution)."""
    class_name, body = model_body(config)
    declared = _declared(class_name, body)[1]
    if declared is None:  # no input recorded at all (an unbuilt Sequential model)
        first = next((layer for layer in body["layers"] if isinstance(layer, dict)
                      and layer.get("class_name") != "InputLayer"), {})
        kind = str(first.get("class_name", "none"))[:60]
        if kind.endswith("Conv2D"):  # it reads pictures: take an RGB one
            return side, side, 3
        raise ProfileError(f"The model file records no input shape, and its first layer ({kind}) does not read a "
                           "picture, so a picture size cannot stand in for one: build the model before saving it "
                           "(give it a keras.Input(shape=...) or call model.build).")
    if not isinstance(declared, (list, tuple)) or len(declared) != 4:
        raise ProfileError(f"This model's input {declared!r} is not a picture (height, width, channels), so the input "
                           "size cannot be set: set it back to the file's own.")
    channels = declared[-1]
    if isinstance(channels, bool) or not isinstance(channels, int) or not 1 <= channels < LARGEST_DIMENSION:
        channels = 3
    return side, side, channels


def profile_config(config: Any, *, input_shape: Shape | None = None, name: str | None = None) -> Profile:
    """Every layer call of a Keras model config, counted; `input_shape` (no batch axis) replaces the declared one."""
    class_name, body = model_body(config)
    walk = _Walk(marks_sharing='"shared_object_id"' in json.dumps(config, default=str))
    if input_shape is not None:
        input_shape = tuple(input_shape)
        if not input_shape or any(isinstance(size, bool) or not isinstance(size, int)
                                   or not 1 <= size < LARGEST_DIMENSION for size in input_shape):
            raise ProfileError(f"The input shape {input_shape} should be whole numbers from 1 up, such as 224,224,3.")
        if class_name == "Functional" and len(_refs(body.get("input_layers"), "input layers")) != 1:
            raise ProfileError("This model has several inputs; its input shape cannot be replaced by one.")
        walk.recorded_shapes_hold = input_shape == declared_input_shape(config)
    try:
        _walk_model(walk, config, "", [input_shape] if input_shape is not None else None)
    except (AttributeError, TypeError, KeyError, IndexError, ArithmeticError) as error:  # a shape no rule expected
        raise ProfileError(f"The config is damaged where a layer or its inputs should be ({type(error).__name__}: "
                           f"{str(error)[:80]}). Save the model again with Keras.") from None
    model_name = name or str(body.get("name") or "model")[:80]
    first = input_shape or declared_input_shape(config) or ()
    return Profile(model_name, tuple(first), tuple(walk.rows))
