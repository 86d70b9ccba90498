"""Market-side value-added services: bookable shared facilities (中试基地, instruments) and the
网上中介超市 (intermediary marketplace). See docs/market.md."""
