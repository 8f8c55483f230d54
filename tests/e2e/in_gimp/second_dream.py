"""Inside a second GIMP 3 (python-fu-eval), while the first shows the Dream dialog with its
preview: dreams on another image, as an artist starting a dream in another window would, and
records the outcome in INCEPTIONISM_E2E_OUT/second_dream.json for test_gimp3_two_at_once.py."""
import json
import os
import time

from gi.repository import Gimp

SETTINGS = json.loads(os.environ["INCEPTIONISM_E2E_SETTINGS"])

image = Gimp.Image.new(96, 64, Gimp.ImageBaseType.RGB)
layer = Gimp.Layer.new(image, "Other picture", 96, 64, Gimp.ImageType.RGB_IMAGE, 100.0,
                       Gimp.LayerMode.NORMAL)
image.insert_layer(layer, None, 0)
plasma = Gimp.DrawableFilter.new(layer, "gegl:plasma", "")
for name, value in (("seed", 3), ("width", 96), ("height", 64)):
    plasma.get_config().set_property(name, value)
layer.merge_filter(plasma)

procedure = Gimp.get_pdb().lookup_procedure("python-fu-inceptionism-dream")
config = procedure.create_config()
config.set_property("run-mode", Gimp.RunMode.NONINTERACTIVE)
config.set_property("image", image)
config.set_core_object_array("drawables", [layer])
for name, value in SETTINGS.items():
    config.set_property(name, value)
started = time.time()
result = procedure.run(config)
status = result.index(0)
with open(os.path.join(os.environ["INCEPTIONISM_E2E_OUT"], "second_dream.json"), "w") as out:
    json.dump({"status": status.value_nick, "seconds": time.time() - started,
               "message": result.index(1) if status != Gimp.PDBStatusType.SUCCESS else None,
               "layers": [item.get_name() for item in image.get_layers()]}, out)
