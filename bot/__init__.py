"""Chatbot answering questions about Korea's employment-placement programs for disabled people."""

__version__ = "0.1.0"
