"""Inside GIMP 3 with a screen: shows an image and opens the dialog of INCEPTIONISM_DIALOG (dream,
visualize, zoom or animate) over it, for the screenshots in the documentation (screenshot_dialog.py
takes them, then stops GIMP). The image is a plasma, or the picture INCEPTIONISM_E2E_PICTURE names;
INCEPTIONISM_E2E_DIALOG_VALUES (JSON) sets arguments before the dialog shows them (a fresh HOME
has no last values that would replace them)."""
import json
import os
import time

from gi.repository import Gio, Gimp

picture = os.environ.get("INCEPTIONISM_E2E_PICTURE")
if picture:
    image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, Gio.File.new_for_path(picture))
    layer = image.get_layers()[0]
else:
    image = Gimp.Image.new(640, 420, Gimp.ImageBaseType.RGB)
    layer = Gimp.Layer.new(image, "Clouds", 640, 420, Gimp.ImageType.RGB_IMAGE, 100.0,
                           Gimp.LayerMode.NORMAL)
    image.insert_layer(layer, None, 0)
    plasma = Gimp.DrawableFilter.new(layer, "gegl:plasma", "")
    for name, value in (("seed", 7), ("width", 640), ("height", 420)):  # its own: 1024x768
        plasma.get_config().set_property(name, value)
    layer.merge_filter(plasma)
Gimp.Display.new(image)
Gimp.displays_flush()
time.sleep(5)  # let the canvas draw before the dialog takes the focus

procedure = Gimp.get_pdb().lookup_procedure(
    "python-fu-inceptionism-" + os.environ.get("INCEPTIONISM_DIALOG", "dream"))
config = procedure.create_config()
config.set_property("run-mode", Gimp.RunMode.INTERACTIVE)
config.set_property("image", image)
config.set_core_object_array("drawables", [layer])
for name, value in json.loads(os.environ.get("INCEPTIONISM_E2E_DIALOG_VALUES", "{}")).items():
    config.set_property(name, value)
procedure.run(config)
