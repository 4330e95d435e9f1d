"""H5P packages (互动练习): validation of uploaded .h5p files (validation),
their layout on disk (storage), the writes that create, replace, unpack and
delete them (services), and their Wagtail admin (admin)."""
