"""Write tests/data/keras2_configs.json: model configs as Keras 2 (tf.keras) writes them, with what Keras 2 says of
each model: its parameter count and every layer call's output shape and weights.

Keras 2 numbers a nested model's calls from 1 in a config (Keras 3 does so only in `output_layers`), and, before
2.4, wrote a Sequential model's input on its first layer instead of an InputLayer. A frozen base with one layer
unfrozen after it: Keras 2, loading the file, trains that layer, as Keras 3 does. The profiler reads both;
tests/engine/test_profile_vs_keras.py checks it against these records. Run with tf-keras installed beside TensorFlow (pip install "tf-keras~=2.21.0"):

    python tools/make_keras2_configs.py
"""

import json
from pathlib import Path

import tf_keras as keras

L = keras.layers
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras2_configs.json"


def calls(model, prefix=""):
    """(row name, output shape without the batch axis, trainable + non-trainable weights counted there) per call."""
    rows, seen = [], set()
    for layer in model.layers:
        if isinstance(layer, L.InputLayer):
            continue
        if isinstance(layer, keras.Model):  # each call of it (the config numbers them from 1)
            for call in range(len(layer._inbound_nodes)):
                suffix = f" (call {call + 1})" if call else ""
                rows += [[name, shape, 0 if call else weights]
                         for name, shape, weights in calls(layer, prefix + layer.name + suffix + "/")]
            continue
        weights = 0 if id(layer) in seen else layer.count_params()
        seen.add(id(layer))
        rows.append([prefix + layer.name, list(layer.output_shape[1:]), weights])
    return rows


def nested():
    inner = keras.Input((8, 8, 4))
    base = keras.Model(inner, L.Conv2D(6, 3, padding="same", name="base_conv")(inner), name="base")
    image = keras.Input((8, 8, 4), name="image")
    twice = L.Add(name="add")([base(image), base(L.Conv2D(4, 1, name="mix")(image))])  # base's nodes 1 and 2
    return keras.Model(image, L.Dense(3, name="head")(L.Flatten(name="flat")(twice)), name="outer")


def old_sequential():
    return keras.Sequential([L.Conv2D(4, 3, input_shape=(9, 9, 3), name="c1"), L.Flatten(name="flat"),
                             L.Dense(2, name="out")], name="old")


def frozen_base_one_layer_unfrozen():
    """Fine-tuning as Keras 2 did it: the base frozen (base.trainable = False), then one of its layers unfrozen."""
    inner = keras.Input((8, 8, 4))
    top = L.Conv2D(4, 3, name="top")
    base = keras.Model(inner, L.Conv2D(4, 3, name="other")(top(inner)), name="base")
    base.trainable = False
    top.trainable = True
    image = keras.Input((8, 8, 4), name="image")
    return keras.Model(image, L.Dense(2, name="head")(L.Flatten(name="flat")(base(image))), name="tuned")


def frozen_sequential_base():
    """The same in Sequential models alone."""
    top = L.Conv2D(4, 3, name="top")
    base = keras.Sequential([keras.Input((8, 8, 4)), top, L.Conv2D(4, 3, name="other")], name="base")
    base.trainable = False
    top.trainable = True
    return keras.Sequential([keras.Input((8, 8, 4)), base, L.Flatten(name="flat"), L.Dense(2, name="head")],
                            name="tuned_sequential")


def main():
    records = {}
    for make in (nested, old_sequential, frozen_base_one_layer_unfrozen, frozen_sequential_base):
        model = make()
        config = json.loads(model.to_json())
        if make is old_sequential:  # as Keras 2.3 wrote it: no InputLayer, the input shape on the first layer
            layers = config["config"]["layers"]
            first = layers.pop(0)
            assert first["class_name"] == "InputLayer"
            layers[0]["config"]["batch_input_shape"] = first["config"]["batch_input_shape"]
            config["config"].pop("build_input_shape", None)
        # what Keras 2 trains of the model its file describes: loaded from the config (while it ran, Keras 2 also
        # kept the layers of a frozen model frozen whatever their own flags; loaded, it goes by each layer's flag)
        loaded = keras.models.model_from_json(json.dumps(config))
        trainable = sum(int(weight.shape.num_elements()) for weight in loaded.trainable_weights)
        records[make.__name__] = {"keras_version": keras.__version__, "count_params": model.count_params(),
                                  "trainable_params": trainable, "calls": calls(model), "config": config}
    OUT.write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
