"""Shubbak payments: card, wallet, post office, e-payment networks"""
