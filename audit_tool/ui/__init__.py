"""The Qt front end: windows, views, dialogs, item models and background workers."""
