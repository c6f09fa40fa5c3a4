"""The app's screens; none imports another: they post messages and the app navigates."""
