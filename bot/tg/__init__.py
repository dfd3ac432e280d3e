"""The Telegram edge: python-telegram-bot handlers over the channel-free core.

Named `tg`, not `telegram`, so that it can never shadow the python-telegram-bot package.
"""
