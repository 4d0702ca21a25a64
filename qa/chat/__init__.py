"""The web chat (`python app.py`, `qa serve`): `app` builds the Gradio app and its handlers,
`render` turns answers into the chat's Markdown and HTML, `serve` starts it all."""
