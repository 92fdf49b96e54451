"""The Complaints and compliments view and its dialogs (issue #18): the view with its two
lists (view.py), the complaint form (complaint_dialog.py) and its points and learning
editors (editors.py), an action from a complaint (action_dialog.py), the compliment form
(compliment_dialog.py), the import (import_dialog.py) and what the forms offer (choices.py)."""
