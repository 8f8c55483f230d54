"""Checks that the GIMP 2.10 stubs keep pygimp's and gimpfu's rules (gimp-api.md, Part 1).

Python 2.7 unittest, run by test_gimp2_stubs.py under a real Python 2.7: the plug-in tests are
only as good as these stand-ins are strict.
"""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "stubs"))

import gimp  # noqa: E402
import gimpfu  # noqa: E402
import gimpui  # noqa: E402
import gobject  # noqa: E402
import gtk  # noqa: E402
from gimpenums import (ADD_MASK_SELECTION, CHANNEL_OP_REPLACE, GRAY,  # noqa: E402
                       PARASITE_PERSISTENT, PARASITE_UNDOABLE, PDB_FLOAT, PDB_IMAGE, PDB_INT32,
                       RGB_IMAGE, RUN_INTERACTIVE)
from _gimp_pdb import returned_values  # noqa: E402


def numbered_layer(image, width, height, offsets=(0, 0), name="L"):
    """An RGB layer whose pixel (x, y) is the bytes (x, y, 7), inserted into image."""
    layer = gimp.Layer(image, name, width, height, RGB_IMAGE)
    gimp.stub_set_pixels(layer, b"".join(bytes(bytearray([x, y, 7]))
                                         for y in range(height) for x in range(width)))
    layer.set_offsets(*offsets)
    image.insert_layer(layer)
    return layer


def pixel(x, y):
    return bytes(bytearray([x, y, 7]))


class PixelRegionCreation(unittest.TestCase):
    def setUp(self):
        self.layer = numbered_layer(gimp.Image(40, 30), 40, 30)

    def region(self, *rect):
        region = self.layer.get_pixel_rgn(*rect)
        return (region.x, region.y, region.w, region.h)

    def test_negative_origins_clamp_to_zero_and_negative_sizes_reach_the_edge(self):
        self.assertEqual(self.region(-5, -2, -1, -1), (0, 0, 40, 30))
        self.assertEqual(self.region(10, 5, -1, -1), (10, 5, 30, 25))

    def test_origins_past_the_edge_clamp_to_the_last_pixel_and_sizes_are_cut(self):
        self.assertEqual(self.region(50, 40, 10, 10), (39, 29, 1, 1))
        self.assertEqual(self.region(35, 20, 10, 20), (35, 20, 5, 10))

    def test_geometry_must_be_ints(self):
        self.assertRaises(TypeError, self.layer.get_pixel_rgn, 0.0, 0, 10, 10)
        self.assertRaises(TypeError, self.layer.get_pixel_rgn, 0, 0, 10)


class PixelRegionIndexing(unittest.TestCase):
    def setUp(self):
        self.layer = numbered_layer(gimp.Image(40, 30), 40, 30)
        self.region = self.layer.get_pixel_rgn(10, 5, 8, 6, True, False)

    def test_indices_are_absolute_drawable_coordinates(self):
        self.assertEqual(self.region[10, 5], pixel(10, 5))
        self.assertEqual(self.region[17, 10], pixel(17, 10))
        self.assertRaises(IndexError, lambda: self.region[9, 5])
        self.assertRaises(IndexError, lambda: self.region[18, 5])
        self.assertRaises(IndexError, lambda: self.region[10, 11])

    def test_rows_columns_and_rectangles_are_packed_byte_strings(self):
        self.assertEqual(self.region[11:14, 6], pixel(11, 6) + pixel(12, 6) + pixel(13, 6))
        self.assertEqual(self.region[12, 6:8], pixel(12, 6) + pixel(12, 7))
        self.assertEqual(self.region[10:12, 5:7],
                         pixel(10, 5) + pixel(11, 5) + pixel(10, 6) + pixel(11, 6))

    def test_a_start_of_zero_means_the_region_origin(self):
        self.assertEqual(len(self.region[:, :]), 3 * 8 * 6)
        self.assertEqual(self.region[0:12, 5], pixel(10, 5) + pixel(11, 5))

    def test_a_stop_before_the_origin_is_out_of_range(self):
        self.assertRaises(IndexError, lambda: self.region[0:5, 5])

    def test_slices_past_the_end_empty_or_stepped_are_invalid(self):
        for bad in (slice(10, 19), slice(12, 12), slice(14, 12), slice(10, 18, 2),
                    slice(10.0, 12)):
            self.assertRaisesRegexp(IndexError, "invalid x slice", lambda: self.region[bad, 5])

    def test_negative_slice_bounds_count_from_the_region_end(self):
        self.assertEqual(self.region[-2:, 5], pixel(16, 5) + pixel(17, 5))

    def test_keys_must_be_two_ints_or_slices(self):
        self.assertRaisesRegexp(TypeError, "2-tuple", lambda: self.region[10])
        self.assertRaisesRegexp(TypeError, "invalid x subscript", lambda: self.region[10.0, 5])
        self.assertRaisesRegexp(TypeError, "invalid x subscript", lambda: self.region[long(10), 5])
        self.assertRaisesRegexp(TypeError, "invalid y subscript", lambda: self.region[10, None])

    def test_length_and_deletion_are_refused(self):
        self.assertRaises(gimp.error, len, self.region)

        def delete():
            del self.region[10, 5]
        self.assertRaises(TypeError, delete)


class PixelRegionWriting(unittest.TestCase):
    def setUp(self):
        self.image = gimp.Image(40, 30)
        self.layer = numbered_layer(self.image, 40, 30)
        self.region = self.layer.get_pixel_rgn(10, 5, 8, 6, True, False)

    def assign(self, key, value):
        self.region[key] = value

    def test_only_byte_strings_of_the_exact_length_are_accepted(self):
        self.assertRaisesRegexp(TypeError, "must assign string", self.assign, (10, 5), u"abc")
        self.assertRaisesRegexp(TypeError, "must assign string", self.assign, (10, 5),
                                bytearray(b"abc"))
        self.assertRaisesRegexp(TypeError, "wrong length", self.assign, (10, 5), b"ab")
        self.assertRaisesRegexp(TypeError, "wrong length", self.assign,
                                (slice(10, 12), slice(5, 7)), b"x" * 11)
        self.assign((slice(10, 12), slice(5, 7)), b"abcdefghijkl")
        self.assertEqual(self.region[10:12, 5:7], b"abcdefghijkl")

    def test_a_bad_y_is_an_index_error_after_an_int_x_and_a_type_error_after_a_slice(self):
        self.assertRaises(IndexError, self.assign, (10, 1.0), b"abc")
        self.assertRaises(TypeError, self.assign, (slice(10, 11), 1.0), b"abc")

    def test_writes_to_a_region_that_is_not_dirty_are_lost(self):
        clean = self.layer.get_pixel_rgn(10, 5, 8, 6, False, False)
        clean[10, 5] = b"abc"
        self.assertEqual(self.layer.get_pixel_rgn(0, 0, 40, 30)[10, 5], pixel(10, 5))

    def test_shadow_writes_show_only_after_merging_within_the_selection(self):
        gimp.pdb.gimp_image_select_rectangle(self.image, CHANNEL_OP_REPLACE, 10, 5, 1, 1)
        shadow = self.layer.get_pixel_rgn(10, 5, 2, 1, True, True)
        shadow[10:12, 5] = b"abcdef"
        self.assertEqual(self.layer.get_pixel_rgn(0, 0, 40, 30)[10:12, 5],
                         pixel(10, 5) + pixel(11, 5))
        self.layer.merge_shadow(True)
        self.assertEqual(self.layer.get_pixel_rgn(0, 0, 40, 30)[10:12, 5], b"abc" + pixel(11, 5))


class LayersAndImages(unittest.TestCase):
    def setUp(self):
        self.image = gimp.Image(40, 30)

    def test_layer_arguments_are_checked_like_pygimp(self):
        self.assertRaises(TypeError, gimp.Layer, None, "L", 4, 4)
        self.assertRaises(TypeError, gimp.Layer, self.image, "L", 4.0, 4)
        self.assertRaises(UnicodeEncodeError, gimp.Layer, self.image, u"Tr\xe4ume", 4, 4)
        self.assertRaises(gimp.error, gimp.Layer, self.image, "L", 4, 4, 99)
        self.assertEqual(gimp.Layer(self.image, u"Tr\xe4ume".encode("utf-8"), 4, 4).name,
                         "Tr\xc3\xa4ume")

    def test_a_new_layer_is_not_in_the_image_until_inserted(self):
        layer = gimp.Layer(self.image, "L", 4, 4)
        self.assertEqual(self.image.layers, [])
        self.image.insert_layer(layer)
        self.assertEqual(self.image.layers, [layer])
        self.assertRaises(gimp.error, self.image.insert_layer, layer)

    def test_position_minus_one_goes_above_the_active_layer(self):
        bottom = numbered_layer(self.image, 4, 4, name="bottom")
        top = numbered_layer(self.image, 4, 4, name="top")
        self.image.active_layer = bottom
        middle = gimp.Layer(self.image, "middle", 4, 4)
        self.image.insert_layer(middle)
        self.assertEqual(self.image.layers, [top, middle, bottom])

    def test_a_parent_must_be_a_group_layer_and_not_an_explicit_none(self):
        layer = gimp.Layer(self.image, "L", 4, 4)
        self.assertRaises(TypeError, self.image.insert_layer, layer, None, 0)
        group = gimp.GroupLayer(self.image, "G")
        self.image.insert_layer(group)
        self.image.insert_layer(layer, group, 0)
        self.assertEqual(group.layers, [layer])
        self.assertEqual(gimp.pdb.gimp_item_get_parent(layer), group)
        self.assertEqual(gimp.pdb.gimp_image_get_item_position(self.image, layer), 0)

    def test_no_is_indexed_attribute_in_2_10(self):
        self.assertFalse(hasattr(numbered_layer(self.image, 4, 4), "is_indexed"))


class NewImagesAndDisplays(unittest.TestCase):
    def test_an_image_takes_int_sizes_and_a_base_type(self):
        self.assertRaises(TypeError, gimp.Image, 4.0, 4)
        self.assertRaises(gimp.error, gimp.Image, 0, 4)
        self.assertRaises(gimp.error, gimp.Image, 4, 4, RGB_IMAGE + 7)
        self.assertEqual(gimp.Image(4, 3, GRAY).base_type, GRAY)

    def test_images_made_by_the_plugin_are_listed(self):
        image = gimp.Image(4, 4)
        self.assertTrue(image in gimp.image_list())

    def test_a_display_shows_an_image_and_nothing_else(self):
        image = gimp.Image(4, 4)
        self.assertRaises(TypeError, gimp.Display, None)
        self.assertRaises(TypeError, gimp.Display, numbered_layer(image, 4, 4))
        display = gimp.Display(image)
        self.assertEqual(gimp.stub_displays()[-1], (display.ID, image.ID))

    def test_a_layer_of_another_base_type_is_made_but_cannot_go_into_the_image(self):
        image = gimp.Image(4, 4, GRAY)
        layer = gimp.Layer(image, "L", 4, 4, RGB_IMAGE)
        self.assertEqual(layer.bpp, 3)
        self.assertRaises(gimp.error, image.insert_layer, layer)

    def test_position_zero_is_the_top_of_the_stack(self):
        image = gimp.Image(4, 4)
        bottom = numbered_layer(image, 4, 4, name="bottom")
        middle = numbered_layer(image, 4, 4, name="middle")
        image.active_layer = bottom  # position -1 would go right above it
        top = gimp.Layer(image, "top", 4, 4)
        image.insert_layer(top, position=0)
        self.assertEqual(image.layers, [top, middle, bottom])


class ReturnValues(unittest.TestCase):
    """What pygimp makes of the value a run returns, for the declared return values."""

    IMAGE_RESULT = [[PDB_IMAGE, "image", "Image"]]

    def test_a_lone_value_stands_for_the_one_declared(self):
        image = gimp.Image(4, 4)
        self.assertEqual(returned_values(image, self.IMAGE_RESULT), [image.ID])
        self.assertEqual(returned_values((image,), self.IMAGE_RESULT), [image.ID])

    def test_values_of_another_type_or_count_are_refused(self):
        self.assertRaises(TypeError, returned_values, None, self.IMAGE_RESULT)
        self.assertRaises(TypeError, returned_values, (gimp.Image(4, 4),) * 2, self.IMAGE_RESULT)

    def test_without_declared_return_values_anything_is_ignored(self):
        self.assertEqual(returned_values(gimp.Image(4, 4), []), [])


class Selections(unittest.TestCase):
    def setUp(self):
        self.image = gimp.Image(40, 30)
        self.layer = numbered_layer(self.image, 20, 20, offsets=(10, 5))

    def select(self, x, y, width, height):
        gimp.pdb.gimp_image_select_rectangle(self.image, CHANNEL_OP_REPLACE, x, y, width, height)

    def test_without_a_selection_the_whole_drawable_is_selected(self):
        self.assertEqual(self.layer.mask_intersect(), (0, 0, 20, 20))
        self.assertEqual(self.layer.mask_bounds, (0, 0, 20, 20))
        self.assertEqual(gimp.pdb.gimp_selection_is_empty(self.image), 1)

    def test_bounds_are_in_drawable_coordinates_and_clipped_to_it(self):
        self.select(0, 0, 15, 12)
        self.assertEqual(self.layer.mask_intersect(), (0, 0, 5, 7))
        self.assertEqual(self.layer.mask_bounds, (0, 0, 5, 7))
        self.assertEqual(gimp.pdb.gimp_selection_bounds(self.image), (1, 0, 0, 15, 12))

    def test_a_selection_beside_the_drawable_makes_mask_intersect_raise(self):
        self.select(0, 0, 5, 5)
        self.assertRaises(gimp.error, self.layer.mask_intersect)
        self.assertEqual(gimp.pdb.gimp_drawable_mask_intersect(self.layer)[0], 0)

    def test_a_feathered_ellipse_fades_from_its_centre(self):
        gimp.pdb.gimp_image_select_ellipse(self.image, CHANNEL_OP_REPLACE, 10, 5, 20, 20)
        gimp.pdb.gimp_selection_feather(self.image, 6.0)
        row = bytearray(gimp.stub_pixels(self.image.selection))[15 * 40:16 * 40]
        self.assertTrue(row[20] > row[15] > row[10] > row[5] > 0, list(row))
        self.assertEqual(list(row[:20]), list(reversed(row[20:])))
        self.assertEqual(bytearray(gimp.stub_pixels(self.image.selection))[0], 0)

    def test_a_selection_mask_copies_the_selection_under_the_layer(self):
        self.select(12, 7, 4, 3)
        mask = self.layer.create_mask(ADD_MASK_SELECTION)
        values = bytearray(gimp.stub_pixels(mask))
        self.assertEqual([i for i, v in enumerate(values) if v], [y * 20 + x for y in (2, 3, 4)
                                                                 for x in (2, 3, 4, 5)])

    def test_an_empty_selection_gives_a_black_mask(self):
        mask = self.layer.create_mask(ADD_MASK_SELECTION)
        self.assertEqual(bytearray(gimp.stub_pixels(mask)), bytearray(20 * 20))

    def test_a_layer_takes_one_mask_made_for_it(self):
        other = numbered_layer(self.image, 20, 20)
        self.assertRaises(gimp.error, self.layer.add_mask, other.create_mask(ADD_MASK_SELECTION))
        self.layer.add_mask(self.layer.create_mask(ADD_MASK_SELECTION))
        self.assertRaises(gimp.error, self.layer.add_mask,
                          self.layer.create_mask(ADD_MASK_SELECTION))


class UndoGroups(unittest.TestCase):
    def setUp(self):
        self.image = gimp.Image(40, 30)
        self.source = numbered_layer(self.image, 40, 30)
        self.before = gimp.stub_snapshot(self.image)
        self.steps = len(gimp.stub_undo_steps(self.image))

    def test_a_group_is_one_step_and_undo_reverts_all_of_it(self):
        layer = gimp.Layer(self.image, "new", 10, 10)
        layer.set_offsets(3, 4)
        layer.parasite_attach(gimp.Parasite("p", PARASITE_PERSISTENT, "x"))
        self.image.undo_group_start()
        self.image.insert_layer(layer)
        layer.add_mask(layer.create_mask(ADD_MASK_SELECTION))
        self.image.undo_group_end()
        self.assertEqual(gimp.stub_undo_steps(self.image)[self.steps:],
                         [(True, ["Add Layer", "Add Layer Mask"])])
        gimp.stub_undo(self.image)
        self.assertEqual(gimp.stub_snapshot(self.image), self.before)

    def test_ending_a_group_that_was_not_started_fails(self):
        self.assertRaises(gimp.error, self.image.undo_group_end)

    def test_direct_pixel_writes_bypass_undo(self):
        region = self.source.get_pixel_rgn(0, 0, 1, 1, True, False)
        region[0, 0] = b"abc"
        self.assertEqual(len(gimp.stub_undo_steps(self.image)), self.steps)

    def test_undoable_parasites_on_attached_items_are_undone(self):
        self.source.parasite_attach(gimp.Parasite("p", PARASITE_UNDOABLE, "x"))
        gimp.stub_undo(self.image)
        self.assertEqual(self.source.parasite_find("p"), None)


class ParasitesMessagesProgress(unittest.TestCase):
    def test_parasites_hold_byte_strings(self):
        image = gimp.Image(4, 4)
        layer = numbered_layer(image, 4, 4)
        self.assertRaises(TypeError, gimp.Parasite, "p", PARASITE_PERSISTENT, None)
        self.assertRaises(UnicodeEncodeError, gimp.Parasite, "p", 1, u"\u00d7")
        layer.attach_new_parasite("n", PARASITE_PERSISTENT, "abc")
        self.assertEqual(layer.parasite_find("n").data, "abc\0")
        image.attach_new_parasite("n", PARASITE_PERSISTENT, "abc")
        self.assertEqual(image.parasite_find("n").data, "abc")
        self.assertEqual(layer.parasite_find("missing"), None)

    def test_messages_and_progress_take_byte_strings_and_fractions(self):
        self.assertRaises(UnicodeEncodeError, gimp.message, u"\u00d7")
        self.assertRaises(TypeError, gimp.progress_init, None)
        self.assertRaises(gimp.error, gimp.progress_update, 1.5)
        gimp.progress_init()
        gimp.progress_update(1)

    def test_pdb_names_arguments_and_types(self):
        image = gimp.Image(4, 4)
        self.assertEqual(gimp.pdb["gimp-selection-is-empty"](image), 1)
        self.assertRaises(AttributeError, getattr, gimp.pdb, "gimp_no_such_procedure")
        self.assertRaises(TypeError, gimp.pdb.gimp_selection_is_empty, image, 1)
        self.assertRaises(TypeError, gimp.pdb.gimp_selection_is_empty, image=image)
        self.assertRaises(TypeError, gimp.pdb.gimp_progress_set_text, u"text")


class Gimpfu(unittest.TestCase):
    def setUp(self):
        gimpfu._registered_plugins_.clear()
        self.calls = []

    def register(self, name="python-fu-t", params=None, label="_T...", menu="<Image>/Filters"):
        if params is None:
            params = [(gimpfu.PF_IMAGE, "image", "Input image", None),
                      (gimpfu.PF_DRAWABLE, "drawable", "Input drawable", None),
                      (gimpfu.PF_SPINNER, "count", "_Count", 3, (1, 10, 1)),
                      (gimpfu.PF_OPTION, "kind", "Kind", 1, ["a", "b"])]
        gimpfu.register(name, "b", "h", "a", "c", "d", label, "*", params, [],
                        lambda *values: self.calls.append(values), menu=menu)

    def test_names_and_parameter_tuples_are_checked(self):
        self.assertRaises(gimpfu.error, self.register, "bad name")
        self.assertRaises(gimpfu.error, self.register, params=[(gimpfu.PF_INT, "n", "N")])
        self.assertRaises(gimpfu.error, self.register, params=[(1.0, "n", "N", 0)])
        self.assertRaises(gimpfu.error, self.register, params=[(gimpfu.PF_INT, "n n", "N", 0)])

    def test_the_python_fu_prefix_is_added_unless_a_known_prefix_is_there(self):
        self.register("t")
        self.register("plug-in-t")
        self.register("python-fu-u")
        self.assertEqual(sorted(gimpfu._registered_plugins_),
                         ["plug-in-t", "python-fu-t", "python-fu-u"])

    def test_an_old_style_menu_label_adds_image_and_drawable(self):
        self.register(params=[], label="<Image>/Filters/T", menu=None)
        self.assertEqual([p[1] for p in gimpfu._registered_plugins_["python-fu-t"][8]],
                         ["image", "drawable"])

    def test_query_installs_run_mode_first_and_strips_mnemonics(self):
        self.register()
        pluginrc = tempfile.mktemp()
        os.environ["GIMP_STUB_PLUGINRC"] = pluginrc
        sys.argv = ["t.py", "-query"]
        gimpfu.main()
        with open(pluginrc) as handle:
            installed = json.load(handle)["python-fu-t"]
        self.assertEqual([p[1] for p in installed["params"]],
                         ["run-mode", "image", "drawable", "count", "kind"])
        self.assertEqual(installed["params"][3], [PDB_INT32, "count", "Count"])
        self.assertEqual(installed["menus"], ["<Image>/Filters"])

    def run_interactively(self, **edits):
        """(image, layer) of an interactive run of the registered procedure, the stub dialog
        given edits as the user's."""
        self.register()
        image = gimp.Image(4, 4)
        layer = numbered_layer(image, 4, 4)
        gimpfu.stub_dialog_edits.update(edits)
        try:
            gimpfu._run("python-fu-t", (RUN_INTERACTIVE, image, layer))
        finally:
            gimpfu.stub_dialog_edits.clear()
        return image, layer

    def test_an_interactive_run_asks_for_what_gimp_did_not_pass(self):
        image, layer = self.run_interactively(count=20)
        self.assertEqual(self.calls, [(image, layer, 10.0, 1)])
        self.assertEqual(type(self.calls[0][2]), float)

    def test_a_cancelled_dialog_runs_nothing(self):
        self.register()
        image = gimp.Image(4, 4)
        gimpfu.stub_dialog_cancel = True
        try:
            result = gimpfu._run("python-fu-t",
                                 (RUN_INTERACTIVE, image, numbered_layer(image, 4, 4)))
        finally:
            gimpfu.stub_dialog_cancel = False
        self.assertEqual((result, self.calls), (None, []))

    def test_fail_shows_the_message_and_raises(self):
        self.assertRaises(gimpfu.error, gimpfu.fail, "Nope.")
        self.assertEqual(gimp.stub_messages()[-1], "Nope.")

    def test_slider_values_are_floats_in_the_pdb(self):
        self.assertEqual(gimpfu._type_mapping[gimpfu.PF_SLIDER], PDB_FLOAT)
        self.assertEqual(gimpfu._type_mapping[gimpfu.PF_OPTION], PDB_INT32)

    def test_interact_is_looked_up_when_a_dialog_is_needed(self):
        # gimpfu's _run calls the module's _interact(proc_name, start_params) only where GIMP
        # did not pass every value, so a plug-in may give one procedure a dialog of its own
        self.register()
        image = gimp.Image(4, 4)
        layer = numbered_layer(image, 4, 4)
        shown_by_gimpfu, asked = gimpfu._interact, []
        gimpfu._interact = lambda name, start: asked.append((name, start)) or "made"
        try:
            result = gimpfu._run("python-fu-t", (RUN_INTERACTIVE, image, layer))
            gimpfu._run("python-fu-t", (gimpfu.RUN_NONINTERACTIVE, image, layer, 2, 0))
        finally:
            gimpfu._interact = shown_by_gimpfu
        self.assertEqual((result, asked), ("made", [("python-fu-t", (image, layer))]))

    def test_ok_remembers_the_values_for_the_next_run(self):
        self.run_interactively(count=7)
        self.assertEqual(gimpfu._get_defaults("python-fu-t")[2:], (7.0, 1))


class PyGtk(unittest.TestCase):
    """PyGTK 2.24's rules that the Dream dialog's tests rely on."""

    def test_unknown_signals_and_keywords_are_refused(self):
        self.assertRaises(TypeError, gtk.Button().connect, "changed", lambda *args: None)
        self.assertRaises(TypeError, gtk.Label, text="no such keyword")
        self.assertRaises(TypeError, gtk.Adjustment, 0, 0, 1, step=1)
        self.assertRaises(AttributeError, getattr, gtk.Label(), "set_wrap")

    def test_signals_fire_only_when_the_state_changes(self):
        combo, heard = gtk.combo_box_new_text(), []
        for text in ("a", "b"):
            combo.append_text(text)
        combo.connect("changed", lambda widget, tag: heard.append((widget.get_active(), tag)),
                      "t")
        combo.set_active(1)
        combo.set_active(1)
        combo.set_active(5)  # no such item: none is active
        self.assertEqual(heard, [(1, "t"), (-1, "t")])

    def test_an_adjustment_clamps_and_a_dragged_scale_rounds_to_its_digits(self):
        adjustment = gtk.Adjustment(0.5, 0.0, 1.0, 0.01, 0.1, 0)
        scale = gtk.HScale(adjustment)
        scale.set_digits(2)
        adjustment.set_value(3.0)
        self.assertEqual(scale.get_value(), 1.0)
        scale.stub_drag(0.1234)
        self.assertEqual(adjustment.get_value(), 0.12)
        adjustment.set_value(0.1234)  # the program's own value is kept as it is
        self.assertEqual(adjustment.get_value(), 0.1234)

    def test_a_dialog_answers_with_its_response_and_greys_out_buttons(self):
        gimpui.gimp_ui_init()
        dialog = gimpui.Dialog("T", "python-fu", None, 0, None, "t",
                               (gtk.STOCK_CANCEL, gtk.RESPONSE_CANCEL, "_Go", gtk.RESPONSE_OK))
        dialog.set_response_sensitive(gtk.RESPONSE_OK, False)
        self.assertFalse(dialog.stub_button(gtk.RESPONSE_OK).is_sensitive())
        gtk.stub_user = lambda shown: shown.stub_button(gtk.RESPONSE_CANCEL).clicked()
        try:
            self.assertEqual(dialog.run(), gtk.RESPONSE_CANCEL)
        finally:
            gtk.stub_user = None
        self.assertRaises(TypeError, gimpui.Dialog, "T", "python-fu", buttons=("odd",))

    def test_a_pixbuf_needs_a_string_of_its_size(self):
        self.assertRaises(ValueError, gtk.gdk.pixbuf_new_from_data, "x" * 11,
                          gtk.gdk.COLORSPACE_RGB, False, 8, 2, 2, 6)
        self.assertRaises(TypeError, gtk.gdk.pixbuf_new_from_data, bytearray(12),
                          gtk.gdk.COLORSPACE_RGB, False, 8, 2, 2, 6)
        pixbuf = gtk.gdk.pixbuf_new_from_data("x" * 12, gtk.gdk.COLORSPACE_RGB, False, 8, 2, 2, 6)
        self.assertEqual((pixbuf.get_width(), pixbuf.get_height()), (2, 2))

    def test_idle_callbacks_run_on_the_main_loop_and_threads_need_threads_init(self):
        import threading
        ran, release = [], threading.Event()
        thread = threading.Thread(target=release.wait)
        thread.start()
        try:
            gobject.idle_add(ran.append, 1)
            if not gobject._state["threads"]:
                self.assertRaises(RuntimeError, gtk.main_iteration, False)
            gobject.threads_init()
            self.assertTrue(gtk.events_pending())
            gtk.main_iteration(False)
        finally:
            release.set()
            thread.join()
        self.assertEqual((ran, gtk.events_pending()), ([1], False))


if __name__ == "__main__":
    unittest.main()
