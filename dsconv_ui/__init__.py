"""Streamlit-side helpers shared by the pages. The engine, `dsconv`, never imports Streamlit."""
