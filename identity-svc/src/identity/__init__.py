"""Shubbak identity: enrolment, OTP, registry prefill, tokens, staff"""
